"""The resident proves the request is theirs (private link, or a one-time code
sent to the phone on record), then evaluates the reply or withdraws it."""

import re

from django.urls import reverse

from appeals import residents, services
from appeals.models import Appeal, AppealEvent, Status
from conftest import deliver
from notifications import sms


def code_sent() -> str:
    deliver()
    return [m for m in sms.outbox if m["template"] == "one_time_code"][-1]["params"]["code"]


def test_a_code_to_the_phone_on_record_opens_the_private_page(client, cast):
    appeal = cast.appeal_in("replied")
    page = client.post(reverse("track_code", args=[appeal.tracking_no]))
    assert page.status_code == 200 and "data-code-sent" in page.content.decode()
    body = page.content.decode()
    assert "2345" in body and "138****" not in body and "1389991" not in body
    code = code_sent()
    assert sms.outbox[-1]["phone"] == "13899912345"
    response = client.post(reverse("track_verify", args=[appeal.tracking_no]), {"code": code})
    assert response.status_code == 302 and response["Location"] == residents.private_path(appeal)


def test_a_wrong_code_says_the_tries_left_then_the_hotline(client, cast):
    appeal = cast.appeal_in("replied")
    client.post(reverse("track_code", args=[appeal.tracking_no]))
    code = code_sent()
    wrong = "000000" if code != "000000" else "111111"
    first = client.post(reverse("track_verify", args=[appeal.tracking_no]), {"code": wrong})
    assert first.status_code == 400 and "4 more tries" in first.content.decode()
    for _ in range(4):
        last = client.post(reverse("track_verify", args=[appeal.tracking_no]), {"code": wrong})
    assert last.status_code == 429 and "12345" in last.content.decode()


def test_the_resident_evaluates_with_the_private_link(client, cast):
    appeal = cast.appeal_in("replied")
    url = reverse("track_evaluate", args=[appeal.tracking_no, residents.token_for(appeal)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "satisfied", "comment": "很快"})
    assert response.status_code == 302 and response["Location"] == residents.private_path(appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.evaluated_via == "page"
    assert appeal.rating == Appeal.Rating.SATISFIED and appeal.rating_comment == "很快"
    event = appeal.events.get(action="evaluate")
    assert event.data == {"rating": "satisfied", "channel": "page", "proof": "token"} and event.actor is None
    page = client.get(response["Location"]).content.decode()
    assert "Your evaluation is recorded." in page and 'data-status="closed"' in page


def test_the_number_alone_evaluates_nothing(client, cast):
    appeal = cast.appeal_in("replied")
    events = AppealEvent.objects.count()
    wrong = reverse("track_evaluate", args=[appeal.tracking_no, "a" * 24])
    assert client.post(wrong, {"rating": "satisfied"}).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and AppealEvent.objects.count() == events


def test_a_rating_is_required(client, cast):
    appeal = cast.appeal_in("replied")
    url = reverse("track_evaluate", args=[appeal.tracking_no, residents.token_for(appeal)])
    response = client.post(url, {"comment": "嗯"})
    assert response.status_code == 400 and response.context["form"].errors["rating"]
    assert "data-error-summary" in response.content.decode()


def test_a_request_not_yet_replied_cannot_be_evaluated(client, cast):
    appeal = cast.appeal_in("signed")
    url = reverse("track_evaluate", args=[appeal.tracking_no, residents.token_for(appeal)])
    assert "not waiting for your evaluation" in client.get(url).content.decode()
    response = client.post(url, {"rating": "satisfied"})
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == Status.SIGNED


def test_the_resident_withdraws_with_the_private_link(client, cast):
    appeal = cast.appeal_in("dispatched")
    page = client.get(residents.private_path(appeal)).content.decode()
    withdraw = reverse("track_withdraw", args=[appeal.tracking_no, residents.token_for(appeal)])
    assert withdraw in page
    response = client.post(withdraw, {"reason": "已自行解决"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN
    event = appeal.events.get(action="withdraw")
    assert event.actor is None and event.note == "已自行解决"


def test_a_replied_request_cannot_be_withdrawn(client, cast):
    appeal = cast.appeal_in("replied")
    assert "track_withdraw" not in client.get(residents.private_path(appeal)).content.decode()
    url = reverse("track_withdraw", args=[appeal.tracking_no, residents.token_for(appeal)])
    assert client.post(url, {"reason": "x"}).status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED


def test_a_reason_over_200_characters_is_refused_not_cut(client, cast):
    appeal = cast.appeal_in("signed")
    url = reverse("track_withdraw", args=[appeal.tracking_no, residents.token_for(appeal)])
    response = client.post(url, {"reason": "因" * 201})
    assert response.status_code == 400 and re.search(r"200", response.content.decode())
    appeal.refresh_from_db()
    assert appeal.status == Status.SIGNED


def test_a_resident_who_lost_the_number_finds_their_requests_by_phone(client, cast):
    mine = [cast.submit(contact_phone="13912345678"), cast.submit(contact_phone="13912345678")]
    other = cast.submit(contact_phone="13800000000")
    sent = client.post(reverse("track_mine"), {"phone": "139 1234 5678"})
    assert sent.status_code == 200 and "data-code-sent" in sent.content.decode()
    code = code_sent()
    listed = client.post(reverse("track_mine_list"), {"phone": "13912345678", "code": code})
    body = listed.content.decode()
    assert listed.status_code == 200 and "data-my-requests" in body
    for appeal in mine:
        assert residents.private_path(appeal) in body
    assert other.tracking_no not in body


def test_a_phone_without_requests_is_told_the_same_and_sent_nothing(client, db):
    sent = client.post(reverse("track_mine"), {"phone": "13700000000"})
    assert sent.status_code == 200 and "data-code-sent" in sent.content.decode()
    deliver()
    assert sms.outbox == []


def test_the_number_without_hby_prefix_is_accepted(client, cast):
    appeal = cast.submit()
    response = client.get(reverse("track_form"), {"no": appeal.tracking_no.removeprefix("HBY-")})
    assert response["Location"] == reverse("track", args=[appeal.tracking_no])


def test_staff_see_a_withdrawal_as_the_residents(client, cast):
    appeal = cast.appeal_in("signed")
    services.withdraw(appeal, token=residents.token_for(appeal), reason="已自行解决")
    client.force_login(cast.dispatcher)
    body = client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    assert "the resident" in body and "已自行解决" in body


def test_a_code_typed_on_a_chinese_keyboard_is_accepted(client, cast):
    appeal = cast.appeal_in("replied")
    client.post(reverse("track_code", args=[appeal.tracking_no]))
    wide = " ".join(code_sent().translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    response = client.post(reverse("track_verify", args=[appeal.tracking_no]), {"code": wide})
    assert response.status_code == 302 and response["Location"] == residents.private_path(appeal)
