"""request_extension (handler) and approve_extension (dispatcher)."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid, WrongState
from appeals.models import Status

from ._support import (
    at,
    check_refused_in_state,
    check_refused_to,
    last_event,
    member,
    members_without,
    refused,
    states_inside,
    wrong_states,
)

S = Status


# --- request ---------------------------------------------------------------------

@pytest.mark.parametrize("state", states_inside("request-extension"))
@pytest.mark.parametrize("days", [1, 3, "2"])
def test_handler_asks_for_one_to_three_more_working_days(cast, state, days):
    appeal = cast.appeal_in(state)
    due = appeal.handle_due
    services.request_extension(appeal, actor=member(cast, "handler"), days=days, reason="等待电梯配件到货")
    appeal.refresh_from_db()
    assert appeal.status == state  # no change of state
    assert appeal.pending_extension_days == int(days)
    assert appeal.pending_extension_reason == "等待电梯配件到货"
    assert appeal.handle_due == due  # nothing moves before the dispatcher decides
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("request-extension", state, state)
    assert event.data == {"days": int(days)} and not event.public
    assert event.actor == cast.handler and event.actor_unit == cast.community_unit


@pytest.mark.parametrize("days", [0, 4, -1, "", "x", 2.5, True, None, [2]])
def test_an_extension_outside_one_to_three_whole_days_is_refused(cast, days):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.request_extension(appeal, actor=member(cast, "handler"), days=days,
                                                        reason="等待配件"), appeal, field="days")


def test_an_extension_request_needs_a_reason(cast):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.request_extension(appeal, actor=member(cast, "handler"), days=1, reason=""),
            appeal, field="reason")


def test_only_one_extension_request_may_wait_at_a_time(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler = member(cast, "handler")
    services.request_extension(appeal, actor=handler, days=1, reason="等待配件")
    refused(WrongState, lambda: services.request_extension(appeal, actor=handler, days=2, reason="再等等"), appeal)


def test_a_request_gets_at_most_three_extensions(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler, dispatcher = member(cast, "handler"), member(cast, "dispatcher")
    for _ in range(3):
        services.request_extension(appeal, actor=handler, days=1, reason="等待配件")
        services.approve_extension(appeal, actor=dispatcher, approve=True)
    appeal.refresh_from_db()
    assert appeal.extension_count == 3
    error = refused(WrongState, lambda: services.request_extension(appeal, actor=handler, days=1, reason="再延"),
                    appeal)
    assert error.status == 409
    assert "request-extension" not in services.allowed_actions(appeal, handler)


def test_a_declined_extension_does_not_count_towards_the_three(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler, dispatcher = member(cast, "handler"), member(cast, "dispatcher")
    for _ in range(4):
        services.request_extension(appeal, actor=handler, days=1, reason="等待配件")
        services.approve_extension(appeal, actor=dispatcher, approve=False)
    appeal.refresh_from_db()
    assert appeal.extension_count == 0


@pytest.mark.parametrize("state", wrong_states("request-extension"))
def test_request_extension_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "request-extension", state)


@pytest.mark.parametrize("who", members_without("request-extension"))
def test_request_extension_is_refused_to_anyone_but_a_handler_of_the_lead_unit(cast, who):
    check_refused_to(cast, "request-extension", who)


# --- approve ---------------------------------------------------------------------

def test_approval_moves_the_reply_deadline_by_working_days_across_a_weekend(cast, clock):
    clock.set("2026-06-03 10:00")  # Wednesday
    appeal = cast.appeal_in(S.SIGNED)
    assert appeal.handle_due == at("2026-06-10 18:00")
    services.request_extension(appeal, actor=member(cast, "handler"), days=3, reason="等待电梯配件到货")
    clock.set("2026-06-04 09:30")
    services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True, note="同意")
    appeal.refresh_from_db()
    # Thu 11, Fri 12, (weekend), Mon 15.
    assert appeal.handle_due == at("2026-06-15 18:00")
    assert appeal.step_due == appeal.handle_due
    assert appeal.step_started < appeal.step_warn_at < appeal.step_due
    assert appeal.extension_count == 1
    assert appeal.pending_extension_days is None and appeal.pending_extension_reason == ""
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("approve-extension", S.SIGNED, S.SIGNED)
    assert event.actor == cast.dispatcher and not event.public and event.note == "同意"
    assert event.data == {"approve": True, "days": 3, "handle_due": at("2026-06-15 18:00").isoformat()}


def test_approval_during_handling_moves_the_running_deadline(cast, clock):
    clock.set("2026-06-03 10:00")
    appeal = cast.appeal_in(S.IN_PROGRESS)
    services.request_extension(appeal, actor=member(cast, "handler"), days=1, reason="等待配件")
    services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True)
    appeal.refresh_from_db()
    assert appeal.handle_due == appeal.step_due == at("2026-06-11 18:00")


def test_a_declined_extension_leaves_the_deadline(cast):
    appeal = cast.appeal_in(S.SIGNED)
    due = appeal.handle_due
    services.request_extension(appeal, actor=member(cast, "handler"), days=2, reason="等待配件")
    services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=False, note="请按期办结")
    appeal.refresh_from_db()
    assert appeal.handle_due == due and appeal.extension_count == 0
    assert appeal.pending_extension_days is None
    event = last_event(appeal)
    assert event.action == "approve-extension" and event.data == {"approve": False, "days": 2}


def test_there_is_nothing_to_approve_without_a_request(cast):
    appeal = cast.appeal_in(S.SIGNED)
    refused(WrongState, lambda: services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True),
            appeal)


@pytest.mark.parametrize("approve", ["yes", 1, None])
def test_the_decision_must_be_yes_or_no(cast, approve):
    appeal = cast.appeal_in(S.SIGNED)
    services.request_extension(appeal, actor=member(cast, "handler"), days=2, reason="等待配件")
    refused(Invalid, lambda: services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=approve),
            appeal, field="approve")


def test_the_handler_cannot_approve_their_own_extension(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler = member(cast, "handler")
    services.request_extension(appeal, actor=handler, days=2, reason="等待配件")
    refused(Forbidden, lambda: services.approve_extension(appeal, actor=handler, approve=True), appeal)


@pytest.mark.parametrize("state", wrong_states("approve-extension"))
def test_approve_extension_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "approve-extension", state)


@pytest.mark.parametrize("who", members_without("approve-extension"))
def test_approve_extension_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "approve-extension", who)
