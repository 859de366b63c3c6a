"""POST /api/v1/appeals/{id}/{urge,supervise,note}: internal actions."""

from __future__ import annotations

import pytest

from appeals.models import Status

from . import actiontable as t
from .conftest import assert_error

CASES = {
    "urge": t.Case(
        prepare=lambda c: c.appeal_in(Status.SIGNED), actor="supervisor", wrong_actor="dispatcher",
        body={"content": "请今天内处理"},
        check=lambda a: a.status == Status.SIGNED
        and a.events.get(action="urge").public is False and a.events.get(action="urge").note == "请今天内处理",
        wrong_state=lambda c: c.appeal_in(Status.REPLIED),
        bad_bodies=[({"content": ""}, "content"), ({}, "content")],
    ),
    "supervise": t.Case(
        prepare=lambda c: c.appeal_in(Status.IN_PROGRESS), actor="supervisor", wrong_actor="dispatcher",
        body={"content": "列入督办，三个工作日内办结"},
        check=lambda a: a.supervised and a.supervise_due is not None and a.status == Status.IN_PROGRESS,
        wrong_state=lambda c: c.appeal_in(Status.CLOSED),
        bad_bodies=[({"content": " "}, "content")],
    ),
    "note": t.Case(
        prepare=lambda c: c.appeal_in(Status.DISPATCHED), actor="handler", wrong_actor="leader",
        body={"content": "已约居民周三上门查看"},
        check=lambda a: a.events.get(action="note").public is False,
        bad_bodies=[({"content": ""}, "content"), ({"content": {"text": "x"}}, "content")],
    ),
}
ACTIONS = list(CASES)


@pytest.mark.parametrize("action", ACTIONS)
def test_internal_action_works_for_the_right_role(cast, act, action):
    t.succeeds(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_internal_action_is_refused_to_other_roles(cast, act, action):
    t.refused_for_wrong_role(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", [a for a in ACTIONS if CASES[a].wrong_state])
def test_internal_action_is_refused_in_the_wrong_state(cast, act, action):
    t.refused_in_wrong_state(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_internal_action_names_the_bad_field(cast, act, action):
    t.refused_with_bad_fields(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_internal_action_on_a_request_out_of_sight_is_404(cast, act, action):
    t.invisible_to_outsider(CASES[action], action, cast, act)


def test_supervising_twice_is_409(cast, act):
    appeal = cast.appeal_in(Status.IN_PROGRESS)
    assert act(cast.supervisor, appeal, "supervise", {"content": "督办"}).status_code == 200
    assert_error(act(cast.supervisor, appeal, "supervise", {"content": "再次督办"}), 409, "wrong_state")
    assert appeal.events.filter(action="supervise").count() == 1


def test_residents_may_not_add_internal_notes(cast, act):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(act(cast.resident, appeal, "note", {"content": "催一下"}), 403, "forbidden")
    assert not appeal.events.filter(action="note").exists()


@pytest.mark.parametrize("who", ["grid_worker", "dispatcher", "supervisor"])
def test_staff_in_scope_may_add_notes(cast, act, who):
    appeal = cast.appeal_in(Status.REGISTERED)
    assert act(getattr(cast, who), appeal, "note", {"content": "已记录"}).status_code == 200
    assert appeal.events.get(action="note").actor == getattr(cast, who)
