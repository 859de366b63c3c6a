"""The resident's proof through the API: a one-time code sent to the phone on
record is exchanged for the request's private token (POST …/code, …/verify);
a resident who lost the number lists their requests by phone and a code."""

from __future__ import annotations

import re

import pytest

from appeals import residents, services
from appeals.models import Status
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage

from .conftest import assert_error

S = Status


def sent_code() -> str:
    from conftest import deliver

    deliver()
    message = [m for m in sms.outbox if m["template"] == SmsMessage.Template.ONE_TIME_CODE][-1]
    return message["params"]["code"]


def test_a_code_sent_to_the_phone_on_record_gives_the_private_token(cast, api):
    appeal = cast.appeal_in(S.REPLIED)
    response = api().post(f"/api/v1/track/{appeal.tracking_no}/code")
    assert response.status_code == 202 and response.json() == {"sent_to": "2345", "expires_in": 600}
    code = sent_code()
    assert re.fullmatch(r"\d{6}", code) and sms.outbox[-1]["phone"] == "13899912345"
    verified = api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": code}, format="json")
    assert verified.status_code == 200
    assert verified.json()["token"] == residents.token_for(appeal)
    assert verified.json()["track_url"].endswith(residents.private_path(appeal))
    # Used once.
    assert_error(api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": code}, format="json"), 409,
                 "no_code")


def test_only_a_hash_of_the_code_is_kept(cast, api):
    appeal = cast.appeal_in(S.SUBMITTED)
    api().post(f"/api/v1/track/{appeal.tracking_no}/code")
    code = sent_code()
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and SmsMessage.objects.get(template="one_time_code").params["code"] == "***"


def test_a_wrong_code_says_how_many_tries_are_left_and_five_end_it(cast, api):
    appeal = cast.appeal_in(S.SUBMITTED)
    api().post(f"/api/v1/track/{appeal.tracking_no}/code")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        body = assert_error(api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": wrong},
                                       format="json"), 403, "wrong_code", "code")
        assert str(left) in body["detail"]
    last = api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": wrong}, format="json")
    body = assert_error(last, 429, "too_many_attempts")
    assert "12345" in body["detail"] and int(last["Retry-After"]) >= 1  # the hotline, and when to ask again
    # Even the right code is no good now: a new one must be asked for.
    assert api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": code}, format="json").status_code \
        == 429


def test_codes_are_limited_per_request(cast, api, monkeypatch):
    from appeals.tests.actions._support import Clock

    clock = Clock(monkeypatch)
    clock.set("2026-06-03 10:00")
    appeal = cast.appeal_in(S.SUBMITTED)
    assert api().post(f"/api/v1/track/{appeal.tracking_no}/code").status_code == 202
    again = api().post(f"/api/v1/track/{appeal.tracking_no}/code")
    assert_error(again, 429, "code_too_soon")
    assert 1 <= int(again["Retry-After"]) <= 60
    for minute in range(1, 5):
        clock.set(f"2026-06-03 10:{minute * 2:02d}")
        assert api().post(f"/api/v1/track/{appeal.tracking_no}/code").status_code == 202
    clock.set("2026-06-03 10:20")
    sixth = api().post(f"/api/v1/track/{appeal.tracking_no}/code")
    assert_error(sixth, 429, "too_many_attempts")
    assert int(sixth["Retry-After"]) == 40 * 60  # an hour after the first


def test_a_request_without_a_phone_cannot_get_a_code(cast, api):
    appeal, _ = services.create_appeal(cast.intake_data(contact_phone=""), actor=cast.fresh(cast.grid_worker),
                                       channel="patrol")
    body = assert_error(api().post(f"/api/v1/track/{appeal.tracking_no}/code"), 409, "no_phone")
    assert "12345" in body["detail"]


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", None])
def test_a_code_of_the_wrong_shape_is_400(cast, api, code):
    appeal = cast.appeal_in(S.SUBMITTED)
    assert_error(api().post(f"/api/v1/track/{appeal.tracking_no}/verify", {"code": code}, format="json"), 400,
                 "invalid", "code")


def test_one_client_asking_for_codes_everywhere_is_stopped(cast, api, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "code-send": (2, 3600)}
    appeals = [cast.appeal_in(S.SUBMITTED) for _ in range(3)]
    answers = [api().post(f"/api/v1/track/{a.tracking_no}/code") for a in appeals]
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert OneTimeCode.objects.count() == 2


# --- By phone ---------------------------------------------------------------------

def test_a_resident_lists_their_requests_by_phone_and_code(cast, api):
    mine = [cast.submit(contact_phone="13912345678"), cast.submit(contact_phone="13912345678")]
    cast.submit(contact_phone="13800000000")
    assert api().post("/api/v1/track/lookup/code", {"phone": "13912345678"}, format="json").status_code == 202
    code = sent_code()
    listed = api().post("/api/v1/track/lookup", {"phone": "13912345678", "code": code}, format="json")
    assert listed.status_code == 200
    assert {i["tracking_no"] for i in listed.json()} == {a.tracking_no for a in mine}
    assert {i["token"] for i in listed.json()} == {residents.token_for(a) for a in mine}


def test_a_phone_that_left_nothing_gets_the_same_answer_and_no_message(cast, api):
    answer = api().post("/api/v1/track/lookup/code", {"phone": "13700000000"}, format="json")
    assert answer.status_code == 202
    from conftest import deliver

    deliver()
    assert sms.outbox == [] and not SmsMessage.objects.exists()  # a code nobody receives
    again = api().post("/api/v1/track/lookup/code", {"phone": "13700000000"}, format="json")
    assert again.status_code == 429  # the same limits, whether or not the phone left requests


def test_a_wrong_lookup_code_lists_nothing(cast, api):
    cast.submit(contact_phone="13912345678")
    api().post("/api/v1/track/lookup/code", {"phone": "13912345678"}, format="json")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    body = assert_error(api().post("/api/v1/track/lookup", {"phone": "13912345678", "code": wrong},
                                   format="json"), 403, "wrong_code")
    assert "13912345678" not in str(body)


def test_a_wrong_code_for_a_phone_that_left_nothing_answers_like_any_wrong_code(cast, api):
    cast.submit(contact_phone="13912345678")
    answers = []
    for phone in ("13912345678", "13700000000"):
        assert api().post("/api/v1/track/lookup/code", {"phone": phone}, format="json").status_code == 202
        wrong = api().post("/api/v1/track/lookup", {"phone": phone, "code": "000001"}, format="json")
        answers.append((wrong.status_code, wrong.json()))
    assert answers[0] == answers[1] and answers[0][0] == 403


@pytest.mark.parametrize("token", ["电梯" * 12, "é" * 24, "a" * 23])
def test_a_token_of_any_other_shape_is_refused_not_a_crash(cast, api, client, token):
    appeal = cast.appeal_in(S.REPLIED)
    assert client.get(f"/track/{appeal.tracking_no}/{token}/").status_code == 404
    answer = api().get(f"/api/v1/track/{appeal.tracking_no}", {"token": token})
    assert answer.status_code in (400, 403)
