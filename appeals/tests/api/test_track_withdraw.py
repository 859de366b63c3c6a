"""POST /api/v1/track/{tracking_no}/withdraw: the resident takes the request
back before the reply, proven by the request's private token."""

from __future__ import annotations

import pytest

from appeals import residents, services
from appeals.models import Appeal, Status

from .conftest import assert_error

S = Status
BEFORE_REPLY = sorted(services.TRANSITIONS["withdraw"].sources - {S.MERGED})


def withdraw(api, appeal, **body):
    data = {"token": residents.token_for(appeal), "reason": "问题已自行解决", **body}
    return api().post(f"/api/v1/track/{appeal.tracking_no}/withdraw", data, format="json")


def state_of(appeal: Appeal) -> tuple:
    row = Appeal.objects.get(pk=appeal.pk)
    return row.status, row.version, row.closed_at, list(row.events.values_list("pk", flat=True))


@pytest.mark.parametrize("state", BEFORE_REPLY)
def test_the_private_token_withdraws_the_request_before_the_reply(cast, api, state):
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


def test_the_reason_may_be_left_out(cast, api):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)
    assert withdraw(api, appeal, reason="").status_code == 200
    assert Appeal.objects.get(pk=appeal.pk).events.get(action="withdraw").note == ""


def test_the_answer_carries_no_phone(cast, api):
    appeal = cast.appeal_in(S.SIGNED, contact_name="王秀兰")
    text = withdraw(api, appeal, reason="家里老人已经自己联系了维修").content.decode()
    for secret in ("13899912345", "王秀兰", "resident", "handler"):
        assert secret not in text, secret


def test_a_wrong_token_is_403_and_changes_nothing(cast, api):
    appeal = cast.appeal_in(S.SIGNED)
    before = state_of(appeal)
    assert_error(withdraw(api, appeal, token="b" * 24), 403, "wrong_token", "token")
    assert state_of(appeal) == before


@pytest.mark.parametrize("state", [S.REPLIED, S.EVALUATED, S.CLOSED, S.REJECTED, S.WITHDRAWN])
def test_after_the_reply_or_the_end_it_is_409_and_nothing_changes(cast, api, state):
    appeal = cast.appeal_in(state)
    before = state_of(appeal)
    assert_error(withdraw(api, appeal), 409, "wrong_state")
    assert state_of(appeal) == before


def test_bad_fields_are_named_and_change_nothing(cast, api):
    appeal = cast.appeal_in(S.SIGNED)
    before = state_of(appeal)
    assert_error(withdraw(api, appeal, reason="因" * 201), 400, "invalid", "reason")
    assert_error(withdraw(api, appeal, token=None), 400, "invalid", "token")
    assert state_of(appeal) == before


def test_the_schema_describes_it_under_track(db, client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/track/{tracking_no}/withdraw"]["post"]
    assert operation["tags"] == ["track"]
    for path in ("/api/v1/track/{tracking_no}/code", "/api/v1/track/{tracking_no}/verify",
                 "/api/v1/track/lookup/code", "/api/v1/track/lookup"):
        assert "post" in schema["paths"][path], path
