"""POST /api/v1/appeals/{id}/{evaluate,withdraw}: the resident's own actions."""

from __future__ import annotations

import pytest

from appeals.models import Status

from . import actiontable as t
from .conftest import assert_error

CASES = {
    "evaluate": t.Case(
        prepare=lambda c: c.appeal_in(Status.REPLIED), actor="resident", wrong_actor="handler",
        body={"rating": "dissatisfied", "comment": "电梯还是有异响"},
        check=lambda a: a.status == Status.EVALUATED and a.rating == "dissatisfied"
        and a.rating_comment == "电梯还是有异响",
        wrong_state=lambda c: c.appeal_in(Status.IN_PROGRESS),
        bad_bodies=[({"rating": "great"}, "rating"), ({}, "rating"), ({"rating": "satisfied", "comment": [1]},
                                                                       "comment")],
    ),
    "withdraw": t.Case(
        prepare=lambda c: c.appeal_in(Status.REGISTERED), actor="resident", wrong_actor="dispatcher",
        body={"reason": "电梯已经修好了"},
        check=lambda a: a.status == Status.WITHDRAWN and a.closed_at is not None,
        wrong_state=lambda c: c.appeal_in(Status.REPLIED),
        bad_bodies=[({"reason": ["x"]}, "reason")],
    ),
}
ACTIONS = list(CASES)


@pytest.mark.parametrize("action", ACTIONS)
def test_resident_action_works_for_the_resident_who_submitted(cast, act, action):
    t.succeeds(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_resident_action_is_refused_to_staff_without_the_role(cast, act, action):
    t.refused_for_wrong_role(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_resident_action_is_refused_in_the_wrong_state(cast, act, action):
    t.refused_in_wrong_state(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_resident_action_names_the_bad_field(cast, act, action):
    t.refused_with_bad_fields(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_resident_action_on_a_request_out_of_sight_is_404(cast, act, action):
    t.invisible_to_outsider(CASES[action], action, cast, act)


def test_satisfied_rating_closes_the_request(cast, act):
    appeal = cast.appeal_in(Status.REPLIED)
    body = act(cast.resident, appeal, "evaluate", {"rating": "satisfied"}).json()
    assert body["status"] == Status.CLOSED
    assert body["evaluation"]["rating"] == "satisfied"
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert list(appeal.events.values_list("action", flat=True))[-2:] == ["evaluate", "close"]


def test_another_resident_cannot_find_someone_elses_request(cast, act):
    appeal = cast.appeal_in(Status.REPLIED)
    neighbour = cast._user("neighbour", ("resident", None, None))
    assert_error(act(neighbour, appeal, "evaluate", {"rating": "satisfied"}), 404, "not_found")


def test_dispatcher_records_a_call_back_evaluation(cast, act):
    appeal = cast.appeal_in(Status.REPLIED)
    assert_error(act(cast.dispatcher, appeal, "evaluate", {"rating": "satisfied"}), 403, "forbidden")
    response = act(cast.dispatcher, appeal, "callback", {"outcome": "basically_satisfied"})
    assert response.status_code == 200, response.json()
    assert response.json()["evaluation"]["via"] == "callback"
    event = appeal.events.get(action="evaluate")
    assert event.data["channel"] == "callback" and event.actor == cast.dispatcher


def test_a_call_back_that_reached_nobody_lets_the_dispatcher_close(cast, act):
    appeal = cast.appeal_in(Status.REPLIED)
    assert_error(act(cast.dispatcher, appeal, "close"), 409, "wrong_state")
    body = act(cast.supervisor, appeal, "callback", {"outcome": "unreached", "comment": "无人接听"}).json()
    assert body["status"] == "replied" and "close" not in body["allowed_actions"]  # the supervisor does not close
    assert act(cast.dispatcher, appeal, "close").json()["status"] == "closed"


def test_the_signed_in_residents_api_evaluation_says_so(cast, act):
    appeal = cast.appeal_in(Status.REPLIED)
    body = act(cast.resident, appeal, "evaluate", {"rating": "dissatisfied"}).json()
    assert body["evaluation"]["via"] == "api"
    assert appeal.events.get(action="evaluate").data == {"rating": "dissatisfied", "channel": "api",
                                                           "proof": "account"}
