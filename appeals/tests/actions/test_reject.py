"""reject: a dispatcher refuses intake, with a reason the resident sees."""

import pytest

from appeals import services
from appeals.errors import Invalid
from appeals.models import Status

from ._support import (
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


@pytest.mark.parametrize("state", states_inside("reject"))
def test_dispatcher_rejects_with_a_reason(cast, state):
    appeal = cast.appeal_in(state)
    services.reject(appeal, actor=member(cast, "dispatcher"), reason="  重复提交，已在HBY-20260605-0001中办理  ")
    appeal.refresh_from_db()
    assert appeal.status == S.REJECTED
    assert appeal.reject_reason == "重复提交，已在HBY-20260605-0001中办理"
    assert appeal.closed_at is not None
    assert appeal.step_due is None and appeal.step_warn_at is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("reject", state, S.REJECTED)
    assert event.actor == cast.dispatcher
    assert event.note == appeal.reject_reason and event.public


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_rejection_without_a_reason_is_refused(cast, reason):
    appeal = cast.appeal_in(S.SUBMITTED)
    refused(Invalid, lambda: services.reject(appeal, actor=member(cast, "dispatcher"), reason=reason), appeal,
            field="reason", code="invalid")


def test_a_reason_longer_than_500_characters_is_refused(cast):
    appeal = cast.appeal_in(S.SUBMITTED)
    refused(Invalid, lambda: services.reject(appeal, actor=member(cast, "dispatcher"), reason="字" * 501), appeal,
            field="reason")


def test_a_reason_that_is_not_text_is_refused(cast):
    appeal = cast.appeal_in(S.SUBMITTED)
    refused(Invalid, lambda: services.reject(appeal, actor=member(cast, "dispatcher"), reason=["spam"]), appeal,
            field="reason")


@pytest.mark.parametrize("state", wrong_states("reject"))
def test_reject_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "reject", state)


@pytest.mark.parametrize("who", members_without("reject"))
def test_reject_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "reject", who)
