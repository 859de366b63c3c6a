"""POST /api/v1/appeals/{id}/{register,reject,dispatch,approve-extension,reopen,close,merge}."""

from __future__ import annotations

import pytest

from appeals.models import Status

from . import actiontable as t
from .conftest import assert_error, with_pending_extension

CASES = {
    "register": t.Case(
        prepare=lambda c: c.appeal_in(Status.SUBMITTED), actor="dispatcher", wrong_actor="leader",
        body={"note": "已电话核实"},
        check=lambda a: a.status == Status.REGISTERED and a.step_due is not None,
        wrong_state=lambda c: c.appeal_in(Status.REGISTERED),
        bad_bodies=[({"note": ["不是文字"]}, "note")],
    ),
    "reject": t.Case(
        prepare=lambda c: c.appeal_in(Status.REGISTERED), actor="dispatcher", wrong_actor="supervisor",
        body={"reason": "重复提交"},
        check=lambda a: a.status == Status.REJECTED and a.reject_reason == "重复提交",
        wrong_state=lambda c: c.appeal_in(Status.DISPATCHED),
        bad_bodies=[({}, "reason"), ({"reason": "  "}, "reason")],
    ),
    "dispatch": t.Case(
        prepare=lambda c: c.appeal_in(Status.REGISTERED), actor="dispatcher", wrong_actor="supervisor",
        body=lambda c, a: {"unit": c.property.pk, "co_units": [c.community_unit.pk]},
        check=lambda a: a.status == Status.DISPATCHED and a.unit.code == "U-MJ"
        and [u.code for u in a.co_units.all()] == ["U-HC"] and a.handle_due is not None,
        wrong_state=lambda c: c.appeal_in(Status.SUBMITTED),
        bad_bodies=[
            ({}, "unit"),
            ({"unit": "城管"}, "unit"),
            (lambda c, a: {"unit": c.property.pk, "co_units": ["x"]}, "co_units.0"),
        ],
    ),
    "approve-extension": t.Case(
        prepare=with_pending_extension, actor="dispatcher", wrong_actor="handler",
        body={"approve": True, "note": "同意"},
        check=lambda a: a.extension_count == 1 and a.pending_extension_days is None,
        wrong_state=lambda c: c.appeal_in(Status.SIGNED),  # nothing pending
        bad_bodies=[({"approve": "yes"}, "approve"), ({"approve": 1}, "approve"), ({}, "approve")],
    ),
    "reopen": t.Case(
        prepare=lambda c: c.appeal_in(Status.EVALUATED), actor="dispatcher", wrong_actor="handler",
        body={"reason": "居民反映电梯仍有异响"},
        check=lambda a: a.status == Status.REOPENED and a.reopen_count == 1,
        wrong_state=lambda c: c.appeal_in(Status.REPLIED),
        bad_bodies=[({"reason": ""}, "reason")],
    ),
    "close": t.Case(
        prepare=lambda c: c.appeal_in(Status.EVALUATED), actor="dispatcher", wrong_actor="handler",
        check=lambda a: a.status == Status.CLOSED and a.closed_at is not None,
        wrong_state=lambda c: c.appeal_in(Status.IN_PROGRESS),
        bad_bodies=[({"note": {"a": 1}}, "note")],
    ),
    "merge": t.Case(
        prepare=lambda c: c.appeal_in(Status.REGISTERED), actor="dispatcher", wrong_actor="supervisor",
        body=lambda c, a: {"into": c.submit(title="3号楼电梯停运").pk},
        check=lambda a: a.status == Status.MERGED and a.merged_into.title == "3号楼电梯停运",
        wrong_state=lambda c: c.appeal_in(Status.REPLIED),
        bad_bodies=[({"into": "下一个"}, "into"), ({}, "into"), ({"into": 0}, "into")],
    ),
}
ACTIONS = list(CASES)


@pytest.mark.parametrize("action", ACTIONS)
def test_dispatcher_action_works_for_the_towns_dispatcher(cast, act, action):
    t.succeeds(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_dispatcher_action_is_refused_to_other_roles(cast, act, action):
    t.refused_for_wrong_role(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_dispatcher_action_is_refused_in_the_wrong_state(cast, act, action):
    t.refused_in_wrong_state(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_dispatcher_action_names_the_bad_field(cast, act, action):
    t.refused_with_bad_fields(CASES[action], action, cast, act)


@pytest.mark.parametrize("action", ACTIONS)
def test_dispatcher_action_on_a_request_out_of_sight_is_404(cast, act, action):
    t.invisible_to_outsider(CASES[action], action, cast, act)


def test_another_towns_dispatcher_cannot_find_the_request(cast, act):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(act(cast.other_dispatcher, appeal, "register"), 404, "not_found")


def test_refused_extension_leaves_the_reply_deadline(cast, act):
    appeal = with_pending_extension(cast)
    due = appeal.handle_due
    response = act(cast.dispatcher, appeal, "approve-extension", {"approve": False, "note": "配件可当天到货"})
    assert response.status_code == 200
    appeal.refresh_from_db()
    assert appeal.handle_due == due and appeal.extension_count == 0 and appeal.pending_extension_days is None
    assert appeal.events.get(action="approve-extension").data["approve"] is False


def test_approve_accepts_the_words_true_and_false(cast, api):
    appeal = with_pending_extension(cast)
    response = api(cast.dispatcher).post(f"/api/v1/appeals/{appeal.pk}/approve-extension", {"approve": "true"})
    assert response.status_code == 200, response.json()
    appeal.refresh_from_db()
    assert appeal.extension_count == 1


def test_dispatch_answers_with_the_new_deadlines_and_units(cast, act):
    appeal = cast.appeal_in(Status.REGISTERED)
    body = act(cast.dispatcher, appeal, "dispatch", {"unit": cast.community_unit.pk}).json()
    assert body["unit"] == {"id": cast.community_unit.pk, "name": "花城社区居委会"}
    assert body["deadlines"]["step_due"] and body["deadlines"]["handle_due"]
    assert body["timeline"][-1]["action"] == "dispatch"
    assert body["timeline"][-1]["actor"] == "dispatcher"


def test_a_unit_the_dispatcher_may_not_choose_is_not_found(cast, act):
    appeal = cast.appeal_in(Status.REGISTERED)
    for body in ({"unit": cast.other_unit.pk}, {"unit": 999999}, {"unit": cast.property.pk, "co_units": [999999]}):
        field = "co_units" if "co_units" in body else "unit"
        assert_error(act(cast.dispatcher, appeal, "dispatch", body), 404, "not_found", field)
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED


def test_merging_into_itself_or_a_finished_request_is_a_conflict(cast, act):
    appeal, finished = cast.appeal_in(Status.REGISTERED), cast.appeal_in(Status.CLOSED)
    assert_error(act(cast.dispatcher, appeal, "merge", {"into": appeal.pk}), 409, "wrong_state", "into")
    assert_error(act(cast.dispatcher, appeal, "merge", {"into": finished.pk}), 409, "wrong_state", "into")
    assert_error(act(cast.dispatcher, appeal, "merge", {"into": 999999}), 404, "not_found", "into")
