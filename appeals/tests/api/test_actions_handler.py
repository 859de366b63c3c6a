"""POST /api/v1/appeals/{id}/{sign,return,start,request-extension,reply}."""

from __future__ import annotations

import pytest

from appeals.models import Status

from . import actiontable as t
from .conftest import assert_error, with_pending_extension

CASES = {
    "sign": t.Case(
        prepare=lambda c: c.appeal_in(Status.DISPATCHED), actor="handler", wrong_actor="dispatcher",
        check=lambda a: a.status == Status.SIGNED and a.step_due == a.handle_due,
        wrong_state=lambda c: c.appeal_in(Status.SIGNED),
    ),
    "return": t.Case(
        prepare=lambda c: c.appeal_in(Status.DISPATCHED), actor="handler", wrong_actor="dispatcher",
        body={"reason": "不属于本社区辖区"},
        check=lambda a: a.status == Status.RETURNED and a.handle_due is None,
        wrong_state=lambda c: c.appeal_in(Status.IN_PROGRESS),
        bad_bodies=[({}, "reason"), ({"reason": ""}, "reason")],
    ),
    "start": t.Case(
        prepare=lambda c: c.appeal_in(Status.SIGNED), actor="handler", wrong_actor="supervisor",
        body={"note": "已联系维保公司"},
        check=lambda a: a.status == Status.IN_PROGRESS,
        wrong_state=lambda c: c.appeal_in(Status.IN_PROGRESS),
        bad_bodies=[({"note": ["x"]}, "note")],
    ),
    "request-extension": t.Case(
        prepare=lambda c: c.appeal_in(Status.IN_PROGRESS), actor="handler", wrong_actor="dispatcher",
        body={"days": 2, "reason": "需要等待配件到货"},
        check=lambda a: a.pending_extension_days == 2 and a.status == Status.IN_PROGRESS,
        wrong_state=lambda c: c.appeal_in(Status.DISPATCHED),
        bad_bodies=[
            ({"days": "两天", "reason": "等配件"}, "days"),
            ({"days": 2.5, "reason": "等配件"}, "days"),
            ({"days": True, "reason": "等配件"}, "days"),
            ({"days": 30, "reason": "等配件"}, "days"),  # a service rule: 1 to 3 working days
            ({"days": 2}, "reason"),
        ],
    ),
    "reply": t.Case(
        prepare=lambda c: c.appeal_in(Status.IN_PROGRESS), actor="handler", wrong_actor="dispatcher",
        body={"result": "resolved", "content": "已更换电梯控制板，恢复运行。"},
        check=lambda a: a.status == Status.REPLIED and a.reply_result == "resolved"
        and a.reply_content == "已更换电梯控制板，恢复运行。",
        wrong_state=lambda c: c.appeal_in(Status.DISPATCHED),
        bad_bodies=[
            ({"result": "done", "content": "已处理"}, "result"),
            ({"result": "resolved", "content": ""}, "content"),
            ({"content": "已处理"}, "result"),
        ],
    ),
}
ACTIONS = list(CASES)


@pytest.mark.parametrize("action", ACTIONS)
def test_handler_action_works_for_the_lead_units_handler(cast, act, action):
    t.succeeds(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_handler_action_is_refused_to_other_roles(cast, act, action):
    t.refused_for_wrong_role(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_handler_action_is_refused_in_the_wrong_state(cast, act, action):
    t.refused_in_wrong_state(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", [a for a in ACTIONS if CASES[a].bad_bodies])
def test_handler_action_names_the_bad_field(cast, act, action):
    t.refused_with_bad_fields(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_handler_action_on_a_request_out_of_sight_is_404(cast, act, action):
    t.invisible_to_outsider(CASES[action], action, cast, act)


def test_handler_of_another_unit_in_the_same_community_cannot_find_it(cast, act):
    appeal = cast.appeal_in(Status.DISPATCHED)  # dispatched to the community office
    assert_error(act(cast.property_handler, appeal, "sign"), 404, "not_found")


def test_second_extension_request_while_one_waits_is_409(cast, act):
    appeal = with_pending_extension(cast)
    response = act(cast.handler, appeal, "request-extension", {"days": 1, "reason": "再等一天"})
    assert_error(response, 409, "wrong_state")
    appeal.refresh_from_db()
    assert appeal.pending_extension_days == 2


def test_handler_events_name_the_unit_and_to_staff_the_person(cast, act):
    appeal = cast.appeal_in(Status.DISPATCHED)
    body = act(cast.handler, appeal, "sign").json()
    assert body["timeline"][-1] == {**body["timeline"][-1], "action": "sign", "actor": "handler",
                                    "unit": "花城社区居委会"}
    assert "sign" not in body["allowed_actions"] and "reply" in body["allowed_actions"]
