"""/track/{no}/withdraw/: a resident without an account withdraws the request
before the reply, from the track page, with the phone's last 4 digits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, AppealEvent, Status

S = Status


def url(appeal):
    return reverse("track_withdraw", args=[appeal.tracking_no])


def track(appeal):
    return reverse("track", args=[appeal.tracking_no])


def unchanged(appeal: Appeal) -> tuple:
    row = Appeal.objects.get(pk=appeal.pk)
    return row.status, row.version, row.closed_at, AppealEvent.objects.count()


@pytest.mark.parametrize("state", [S.SUBMITTED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED, S.REOPENED])
def test_the_track_page_offers_to_withdraw_before_the_reply(client, cast, state):
    appeal = cast.appeal_in(state)
    body = client.get(track(appeal)).content.decode()
    assert f'href="{url(appeal)}"' in body and 'data-go="withdraw"' in body


@pytest.mark.parametrize("state", [S.REPLIED, S.EVALUATED, S.CLOSED, S.REJECTED, S.WITHDRAWN])
def test_the_track_page_offers_no_withdraw_once_replied_or_finished(client, cast, state):
    appeal = cast.appeal_in(state)
    body = client.get(track(appeal)).content.decode()
    assert url(appeal) not in body and 'data-go="withdraw"' not in body


def test_no_withdraw_link_for_a_request_without_a_phone_to_prove_it_by(client, cast):
    appeal = cast.appeal_in(S.REGISTERED)
    Appeal.objects.filter(pk=appeal.pk).update(contact_phone="")
    assert 'data-go="withdraw"' not in client.get(track(appeal)).content.decode()
    page = client.get(url(appeal)).content.decode()
    assert 'data-form="withdraw"' not in page and "has no phone number" in page


def test_the_withdraw_page_asks_for_the_digits_and_shows_no_personal_data(client, cast):
    appeal = cast.appeal_in(S.DISPATCHED, address="花城小区3号楼2单元501", contact_name="王秀兰")
    response = client.get(url(appeal))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-form="withdraw"' in body and 'name="phone_digits"' in body and 'name="reason"' in body
    assert "Lift fault" in body and appeal.tracking_no in body
    for secret in ("13899912345", "138****2345", "王秀兰", "3号楼2单元501", "电梯停运三天"):
        assert secret not in body, secret


def test_the_resident_withdraws_with_the_last_four_digits(client, cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)  # no account, as most residents
    response = client.post(url(appeal), {"phone_digits": "2345", "reason": "邻居已经帮忙修好了"})
    assert response.status_code == 302 and response["Location"] == track(appeal)
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN and appeal.closed_at is not None
    event = appeal.events.get(action="withdraw")
    assert event.actor is None and event.note == "邻居已经帮忙修好了" and event.from_status == S.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert "Your request is withdrawn." in page and 'data-status="withdrawn"' in page
    assert 'data-action="withdraw"' in page and 'data-go="withdraw"' not in page
    assert "邻居已经帮忙修好了" not in page  # the reason is for staff


def test_staff_see_the_withdrawal_as_the_residents_with_the_reason(client, cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)
    client.post(url(appeal), {"phone_digits": "2345", "reason": "邻居已经帮忙修好了"})
    client.force_login(cast.dispatcher)
    page = client.get(f"/work/appeals/{appeal.pk}/").content.decode()
    entry = page[page.index('<li data-action="withdraw"'):]
    entry = entry[:entry.index("</li>")]
    assert '<span class="actor">— the resident</span>' in entry and "邻居已经帮忙修好了" in entry
    submitted = page[page.index('<li data-action="submit"'):]
    assert '<span class="actor">— the resident</span>' in submitted[:submitted.index("</li>")]


def test_the_reason_is_optional(client, cast):
    appeal = cast.appeal_in(S.SIGNED)
    assert client.post(url(appeal), {"phone_digits": "2345"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN


def test_wrong_digits_are_refused_and_change_nothing(client, cast):
    appeal = cast.appeal_in(S.REGISTERED)
    before = unchanged(appeal)
    response = client.post(url(appeal), {"phone_digits": "1234", "reason": "不需要了"})
    assert response.status_code == 400
    assert response.context["form"].errors["phone_digits"]
    assert "These are not the last 4 digits" in response.content.decode()
    assert unchanged(appeal) == before


def test_after_five_wrong_tries_even_the_right_digits_wait_an_hour(client, cast):
    appeal = cast.appeal_in(S.REGISTERED)
    for _ in range(3):
        client.post(url(appeal), {"phone_digits": "0000"})
    for _ in range(2):  # the evaluation page counts toward the same limit
        client.post(reverse("track_evaluate", args=[appeal.tracking_no]), {"phone_digits": "0000",
                                                                          "rating": "satisfied"})
    before = unchanged(appeal)
    response = client.post(url(appeal), {"phone_digits": "2345"})
    assert response.status_code == 429
    assert "Too many wrong tries" in response.content.decode()
    assert unchanged(appeal) == before


def test_a_replied_request_cannot_be_withdrawn(client, cast):
    appeal = cast.appeal_in(S.REPLIED)
    page = client.get(url(appeal))
    assert page.status_code == 200 and 'data-form="withdraw"' not in page.content.decode()
    assert "can no longer be withdrawn" in page.content.decode()
    before = unchanged(appeal)
    response = client.post(url(appeal), {"phone_digits": "2345"})
    assert response.status_code == 400
    assert "can no longer be withdrawn" in response.content.decode()
    assert response.context["form"].non_field_errors()  # the service's refusal, shown
    assert unchanged(appeal) == before


def test_a_withdrawn_request_says_so(client, cast):
    appeal = cast.appeal_in(S.WITHDRAWN)
    assert "already been withdrawn" in client.get(url(appeal)).content.decode()


def test_a_reason_over_200_characters_is_refused(client, cast):
    appeal = cast.appeal_in(S.REGISTERED)
    before = unchanged(appeal)
    response = client.post(url(appeal), {"phone_digits": "2345", "reason": "太" * 201})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert unchanged(appeal) == before


def test_an_unknown_number_goes_to_the_track_page(client, db):
    response = client.get(reverse("track_withdraw", args=["HBY-20260101-0999"]))
    assert response.status_code == 302 and response["Location"] == reverse("track", args=["HBY-20260101-0999"])


def test_the_pages_speak_chinese_by_default(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    chinese = Client()
    assert "撤回诉求" in chinese.get(track(appeal)).content.decode()
    page = chinese.get(url(appeal)).content.decode()
    assert "确认撤回" in page and "撤回后" in page
    response = chinese.post(url(appeal), {"phone_digits": "0000"})
    assert "这不是这条诉求所留电话号码的后4位" in response.content.decode()
    response = chinese.post(url(appeal), {"phone_digits": "2345"}, follow=True)
    assert "您的诉求已撤回" in response.content.decode() and "已撤回" in response.content.decode()
