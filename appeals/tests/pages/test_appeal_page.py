from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from conftest import deliver

from .conftest import png


def page(client, appeal):
    return client.get(reverse("appeal_detail", args=[appeal.pk]))


def action_forms(response) -> list[str]:
    return [item["action"] for item in response.context["main_actions"] + response.context["other_actions"]]


def test_staff_see_the_full_timeline_including_internal_notes(as_user, cast):
    appeal = cast.appeal_in("signed")
    services.add_note(appeal, actor=cast.fresh(cast.handler), content="已约物业周三上门")
    response = page(as_user(cast.dispatcher), appeal)
    assert response.status_code == 200
    body = response.content.decode()
    assert "电梯停运三天" in body and "花城小区3号楼" in body
    for action in ("submit", "register", "dispatch", "sign", "note"):
        assert f'data-action="{action}"' in body
    assert "已约物业周三上门" in body and "handler" in body  # who wrote it, for staff


def test_the_phone_is_masked_on_the_staff_page(as_user, cast):
    appeal = cast.appeal_in("dispatched")
    body = page(as_user(cast.handler), appeal).content.decode()
    assert "138****2345" in body
    assert "13899912345" not in body and "王秀兰" not in body


def test_each_allowed_action_gets_its_own_form(as_user, cast):
    submitted = cast.appeal_in("submitted")
    dispatcher = page(as_user(cast.dispatcher), submitted)
    assert {"register", "reject"} <= set(action_forms(dispatcher))
    assert f'action="{reverse("appeal_action", args=[submitted.pk, "register"])}"' in dispatcher.content.decode()
    signed = cast.appeal_in("signed")
    handler = page(as_user(cast.handler), signed)
    assert {"reply", "start", "return", "request-extension", "note"} <= set(action_forms(handler))
    assert "register" not in action_forms(handler)


def test_the_dispatch_form_offers_the_units_the_dispatcher_may_choose(as_user, cast):
    appeal = cast.appeal_in("registered")
    body = page(as_user(cast.dispatcher), appeal).content.decode()
    assert "花城社区居委会" in body and "呼图壁县城管局" in body
    assert "北京南路社区居委会" not in body  # another town's unit


def test_the_leader_reads_but_has_nothing_to_do(as_user, cast):
    appeal = cast.appeal_in("dispatched")
    response = page(as_user(cast.leader), appeal)
    assert response.status_code == 200
    assert action_forms(response) == []


def test_a_request_outside_ones_scope_is_not_found(as_user, cast):
    appeal = cast.appeal_in("dispatched")
    assert page(as_user(cast.outsider), appeal).status_code == 404
    assert page(as_user(cast.other_dispatcher), appeal).status_code == 404
    assert as_user(cast.outsider).get(reverse("appeal_detail", args=[999999])).status_code == 404


def test_photos_are_served_only_to_those_who_see_the_request(as_user, client, cast):
    appeal, _ = services.create_appeal(cast.intake_data(), photos=[png()])
    token = appeal.photos.get().token
    url = reverse("appeal_photo", args=[appeal.pk, token])
    dispatcher = as_user(cast.dispatcher)
    assert url in page(dispatcher, appeal).content.decode()
    photo = dispatcher.get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    assert as_user(cast.outsider).get(url).status_code == 404


def test_opening_a_notification_marks_it_read_and_shows_its_request(as_user, cast):
    appeal = cast.appeal_in("dispatched")
    deliver()
    handler = cast.handler
    client = as_user(handler)
    page(client, appeal)
    assert handler.notifications.filter(read_at__isnull=True).count() == 1  # reading the page writes nothing
    item = handler.notifications.get()
    response = client.post(reverse("notification_open", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("appeal_detail", args=[appeal.pk])
    assert handler.notifications.filter(read_at__isnull=True).count() == 0


def test_user_text_is_escaped_on_the_staff_page(as_user, cast):
    appeal = cast.appeal_in("signed", title="<b>标题</b>")
    # Intake refuses markup now; a row from before (or from elsewhere) is still shown as text.
    Appeal.objects.filter(pk=appeal.pk).update(description="<img src=x onerror=alert(1)>")
    body = page(as_user(cast.handler), appeal).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x" in body
    assert "<b>标题</b>" not in body


def test_the_residents_account_name_is_not_shown_to_staff(as_user, cast):
    appeal = cast.appeal_in("dispatched")  # submitted from the resident's account
    body = page(as_user(cast.handler), appeal).content.decode()
    assert "the resident" in body
    assert "— resident<" not in body and ">resident<" not in body


def test_an_extension_of_twenty_days_is_refused_with_why_and_what_to_do_instead(as_user, cast):
    appeal = cast.appeal_in("signed")
    handler = as_user(cast.handler)
    answer = handler.post(reverse("appeal_action", args=[appeal.pk, "request-extension"]),
                          {"days": "20", "reason": "需要更换整台电梯"}, secure=True, follow=True)
    text = answer.content.decode()
    assert "An extension is 1 to 3 working days at a time, at most 3 times for a request: a request that needs " \
           "longer goes back to the dispatcher" in text.replace("\n", " ")
    appeal.refresh_from_db()
    assert appeal.pending_extension_days is None
