"""POST /api/v1/track/{tracking_no}/evaluate: the resident rates the reply,
proven by the request's private token — the number alone is not enough."""

from __future__ import annotations

import pytest

from appeals import residents
from appeals.models import Appeal, Status

from .conftest import assert_error

S = Status


def evaluate(api, appeal, **body):
    data = {"token": residents.token_for(appeal), "rating": "satisfied", **body}
    return api().post(f"/api/v1/track/{appeal.tracking_no}/evaluate", data, format="json")


def state_of(appeal: Appeal) -> tuple:
    row = Appeal.objects.get(pk=appeal.pk)
    return row.status, row.version, row.rating, list(row.events.values_list("pk", flat=True))


def test_the_private_token_records_the_rating_and_closes(cast, api):
    appeal = cast.appeal_in(S.REPLIED)
    response = evaluate(api, appeal, comment="很及时")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed" and body["rating"] == "satisfied" and body["proven"] is True
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.evaluated_via == "api" and appeal.rating_comment == "很及时"
    event = appeal.events.get(action="evaluate")
    assert event.actor is None and event.data == {"rating": "satisfied", "channel": "api", "proof": "token"}


def test_dissatisfied_rating_waits_for_the_dispatcher(cast, api):
    appeal = cast.appeal_in(S.REPLIED)
    assert evaluate(api, appeal, rating="dissatisfied").json()["status"] == "evaluated"


@pytest.mark.parametrize("token", ["a" * 24, "2" * 24])
def test_a_wrong_token_is_403_and_changes_nothing(cast, api, token):
    appeal = cast.appeal_in(S.REPLIED)
    before = state_of(appeal)
    assert_error(evaluate(api, appeal, token=token), 403, "wrong_token", "token")
    assert state_of(appeal) == before


def test_the_number_and_the_phone_digits_no_longer_rate_a_request(cast, api):
    appeal = cast.appeal_in(S.REPLIED)
    before = state_of(appeal)
    answer = api().post(f"/api/v1/track/{appeal.tracking_no}/evaluate", {"phone_last4": "2345", "rating":
                        "satisfied"}, format="json")
    assert_error(answer, 400, "invalid", "token")
    assert state_of(appeal) == before


def test_another_requests_token_does_not_rate_this_one(cast, api):
    appeal, other = cast.appeal_in(S.REPLIED), cast.appeal_in(S.REPLIED)
    assert_error(evaluate(api, appeal, token=residents.token_for(other)), 403, "wrong_token")


def test_a_request_not_yet_replied_cannot_be_rated(cast, api):
    appeal = cast.appeal_in(S.SIGNED)
    assert_error(evaluate(api, appeal), 409, "wrong_state")


def test_bad_fields_are_named(cast, api):
    appeal = cast.appeal_in(S.REPLIED)
    assert_error(evaluate(api, appeal, rating="great"), 400, "invalid", "rating")
    assert_error(evaluate(api, appeal, comment="好" * 501), 400, "invalid", "comment")


def test_one_client_is_limited_in_its_tries(cast, api, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "track-act": (2, 600)}
    appeal = cast.appeal_in(S.REPLIED)
    answers = [evaluate(api, appeal, token="a" * 24) for _ in range(3)]
    assert [a.status_code for a in answers] == [403, 403, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 600


def test_unknown_number_is_404(db, api):
    assert_error(api().post("/api/v1/track/HBY-20260101-ZZZZZZ/evaluate", {"token": "a" * 24, "rating":
                 "satisfied"}, format="json"), 404, "not_found")
