"""What every POST /api/v1/appeals/{id}/{action} shares: routing, sign-in,
body parsing and the answer's shape."""

from __future__ import annotations

import pytest

from appeals import services
from appeals.models import Status

from .conftest import assert_error


def test_every_service_action_has_an_endpoint(cast, act):
    appeal = cast.appeal_in(Status.SUBMITTED)
    for action in services.ACTIONS:
        response = act(cast.leader, appeal, action, {})
        assert response.status_code != 404, action  # leader sees it: refused, never "no such endpoint"


def test_unknown_action_is_404(cast, act):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(act(cast.dispatcher, appeal, "approve"), 404, "not_found")
    assert_error(act(cast.dispatcher, appeal, "sign_for"), 404, "not_found")
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED and appeal.events.count() == 1


def test_request_that_does_not_exist_is_404(cast, act, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    appeal.pk += 1000
    assert_error(act(cast.dispatcher, appeal, "register"), 404, "not_found")


def test_anonymous_caller_gets_401(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    response = api().post(f"/api/v1/appeals/{appeal.pk}/withdraw", {}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_bad_json_is_400_and_changes_nothing(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    response = api(cast.dispatcher).post(
        f"/api/v1/appeals/{appeal.pk}/register", data='{"note": "未闭合', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED


def test_a_json_list_instead_of_an_object_is_400(cast, api):
    appeal = cast.appeal_in(Status.REGISTERED)
    response = api(cast.dispatcher).post(f"/api/v1/appeals/{appeal.pk}/reject", ["重复"], format="json")
    assert_error(response, 400, "invalid")


def test_get_on_an_action_is_405(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(api(cast.dispatcher).get(f"/api/v1/appeals/{appeal.pk}/register"), 405, "method_not_allowed")


def test_a_form_encoded_action_is_415_and_changes_nothing(cast, api):
    """The API takes JSON (and multipart where photos come: intake, the reply), as its schema says."""
    appeal = cast.appeal_in(Status.REGISTERED)
    for fmt in ("multipart",):
        response = api(cast.dispatcher).post(f"/api/v1/appeals/{appeal.pk}/reject", {"reason": "不属于受理范围"},
                                             format=fmt)
        assert_error(response, 415, "unsupported_media_type")
    response = api(cast.dispatcher).post(f"/api/v1/appeals/{appeal.pk}/reject", "reason=x",
                                         content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and appeal.reject_reason == ""


def test_acting_on_a_stale_copy_is_refused_not_doubled(cast, act):
    appeal = cast.appeal_in(Status.DISPATCHED)
    assert act(cast.handler, appeal, "sign").status_code == 200
    assert_error(act(cast.handler, appeal, "sign"), 409, "wrong_state")
    assert appeal.events.filter(action="sign").count() == 1


@pytest.mark.parametrize("action", ["register", "dispatch", "reply", "note"])
def test_leader_is_read_only(cast, act, action):
    appeal = cast.appeal_in(Status.REGISTERED)
    assert_error(act(cast.leader, appeal, action, {}), 403, "forbidden")
