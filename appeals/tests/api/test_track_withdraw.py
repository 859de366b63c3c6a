"""POST /api/v1/track/{tracking_no}/withdraw: a resident without an account
takes the request back before the reply, proven by the phone's last digits."""

from __future__ import annotations

import pytest
from django.db.models import F

from appeals import services
from appeals.models import Appeal, Status

from .conftest import assert_error

S = Status
BEFORE_REPLY = sorted(services.TRANSITIONS["withdraw"].sources - {S.MERGED})


def withdraw(api, appeal, **body):
    data = {"phone_last4": "2345", "reason": "问题已自行解决", **body}
    return api().post(f"/api/v1/track/{appeal.tracking_no}/withdraw", data, format="json")


def evaluate(api, appeal, **body):
    data = {"phone_last4": "2345", "rating": "satisfied", **body}
    return api().post(f"/api/v1/track/{appeal.tracking_no}/evaluate", data, format="json")


def state_of(appeal: Appeal) -> tuple:
    row = Appeal.objects.get(pk=appeal.pk)
    return row.status, row.version, row.closed_at, list(row.events.values_list("pk", flat=True))


@pytest.mark.parametrize("state", BEFORE_REPLY)
def test_right_phone_digits_withdraw_the_request_before_the_reply(cast, api, state):
    appeal = cast.appeal_in(state)
    response = withdraw(api, appeal)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "withdrawn" and body["can_withdraw"] is False and body["can_evaluate"] is False
    assert body["timeline"][-1]["action"] == "withdraw" and body["timeline"][-1]["to_status"] == "withdrawn"
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN and appeal.closed_at is not None and appeal.step_due is None
    event = appeal.events.get(action="withdraw")
    assert event.actor is None and event.actor_unit is None
    assert (event.from_status, event.to_status, event.note) == (state, S.WITHDRAWN, "问题已自行解决")


def test_a_request_submitted_without_an_account_is_withdrawn(cast, api):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)
    assert withdraw(api, appeal, reason="").status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN
    assert appeal.events.get(action="withdraw").note == ""


def test_the_answer_carries_no_personal_data_nor_the_reason(cast, api):
    appeal = cast.appeal_in(S.SIGNED, address="花城小区3号楼2单元501", contact_name="王秀兰")
    text = withdraw(api, appeal, reason="家里老人已经自己联系了维修").content.decode()
    for secret in ("13899912345", "2345", "王秀兰", "3号楼2单元501", "家里老人", "resident", "handler"):
        assert secret not in text, secret


def test_the_reason_may_be_left_out(cast, api):
    appeal = cast.appeal_in(S.SUBMITTED)
    response = api().post(f"/api/v1/track/{appeal.tracking_no}/withdraw", {"phone_last4": "2345"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_wrong_phone_digits_are_403_and_change_nothing(cast, api):
    appeal = cast.appeal_in(S.REGISTERED)
    before = state_of(appeal)
    assert_error(withdraw(api, appeal, phone_last4="1234"), 403, "phone_mismatch", "phone_last4")
    assert state_of(appeal) == before


def test_five_wrong_tries_lock_the_number_for_the_hour(cast, api):
    appeal = cast.appeal_in(S.REGISTERED)
    for _ in range(5):
        assert_error(withdraw(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    before = state_of(appeal)
    response = withdraw(api, appeal)  # even the right digits now
    assert_error(response, 429, "too_many_attempts")
    assert int(response["Retry-After"]) > 0
    assert state_of(appeal) == before


def test_wrong_tries_to_withdraw_and_to_evaluate_count_together(cast, api):
    # The digits are one secret: guessing through both doors gets no more tries.
    appeal = cast.appeal_in(S.REGISTERED)
    for _ in range(3):
        assert_error(withdraw(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    for _ in range(2):
        assert_error(evaluate(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    assert_error(withdraw(api, appeal), 429, "too_many_attempts")
    assert_error(evaluate(api, appeal), 429, "too_many_attempts")
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED


def test_wrong_tries_on_the_pages_and_through_the_api_count_together(cast, api, client):
    # One count per request whatever the channel (appeals.phoneproof): no door gives more guesses.
    appeal = cast.appeal_in(S.REGISTERED)
    for _ in range(3):
        client.post(f"/track/{appeal.tracking_no}/withdraw/", {"phone_digits": "0000"})
    for _ in range(2):
        assert_error(withdraw(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    locked = withdraw(api, appeal)
    assert_error(locked, 429, "too_many_attempts")
    assert 3500 <= int(locked["Retry-After"]) <= 3600
    assert client.post(f"/track/{appeal.tracking_no}/withdraw/", {"phone_digits": "2345"}).status_code == 429
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED


@pytest.mark.parametrize("state", [S.REPLIED, S.EVALUATED, S.CLOSED, S.REJECTED, S.WITHDRAWN])
def test_after_the_reply_or_the_end_it_is_409_and_nothing_changes(cast, api, state):
    appeal = cast.appeal_in(state)
    before = state_of(appeal)
    body = assert_error(withdraw(api, appeal), 409, "wrong_state")
    assert "状态" in body["detail"]  # Chinese, naming the state
    assert state_of(appeal) == before


def test_bad_fields_are_named_and_change_nothing(cast, api):
    appeal = cast.appeal_in(S.REGISTERED)
    before = state_of(appeal)
    assert_error(withdraw(api, appeal, reason="太" * 201), 400, "invalid", "reason")
    assert_error(withdraw(api, appeal, reason=["x"]), 400, "invalid", "reason")
    assert_error(withdraw(api, appeal, phone_last4="23"), 400, "invalid", "phone_last4")
    assert_error(withdraw(api, appeal, phone_last4="23a5"), 400, "invalid", "phone_last4")
    response = api().post(f"/api/v1/track/{appeal.tracking_no}/withdraw", {"reason": "不用了"}, format="json")
    assert_error(response, 400, "invalid", "phone_last4")
    assert state_of(appeal) == before
    assert withdraw(api, appeal, reason="太" * 200).status_code == 200  # the limit itself is fine


def test_a_request_without_a_phone_cannot_be_withdrawn_this_way(cast, api):
    appeal = cast.appeal_in(S.REGISTERED)
    Appeal.objects.filter(pk=appeal.pk).update(contact_phone="")
    assert_error(withdraw(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED


def test_unknown_number_is_404(db, api):
    response = api().post("/api/v1/track/HBY-20260101-9999/withdraw", {"phone_last4": "1234"}, format="json")
    assert_error(response, 404, "not_found")


def test_the_track_answer_says_whether_it_may_still_be_withdrawn(cast, api):
    open_one, replied = cast.appeal_in(S.DISPATCHED), cast.appeal_in(S.REPLIED)
    assert api().get(f"/api/v1/track/{open_one.tracking_no}").json()["can_withdraw"] is True
    assert api().get(f"/api/v1/track/{replied.tracking_no}").json()["can_withdraw"] is False


def test_the_schema_describes_it_under_track(db, client):
    schema = client.get("/api/v1/schema?format=json").json()
    operation = schema["paths"]["/api/v1/track/{tracking_no}/withdraw"]["post"]
    evaluate_operation = schema["paths"]["/api/v1/track/{tracking_no}/evaluate"]["post"]
    assert operation["tags"] == ["track"]
    assert operation.get("security") == evaluate_operation.get("security")  # no sign-in, like its neighbour
    assert set(operation["responses"]) == {"200", "400", "403", "404", "409", "429"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"phone_last4", "reason"}


def test_the_lock_is_kept_in_the_database_for_every_worker_and_ends_after_the_hour(cast, api):
    from datetime import timedelta

    from django.core.cache import cache

    from appeals.models import PhoneTries

    appeal = cast.appeal_in(S.REGISTERED)
    for _ in range(5):
        withdraw(api, appeal, phone_last4="0000")
    cache.clear()  # another worker process has its own cache, not its own count
    assert_error(withdraw(api, appeal), 429, "too_many_attempts")
    PhoneTries.objects.filter(appeal_id=appeal.pk).update(since=F("since") - timedelta(minutes=61))
    assert_error(withdraw(api, appeal, phone_last4="0000"), 403, "phone_mismatch")  # a new hour, counted afresh
    assert PhoneTries.objects.get(appeal_id=appeal.pk).wrong == 1
    assert withdraw(api, appeal).status_code == 200
