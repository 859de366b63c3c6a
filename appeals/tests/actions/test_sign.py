"""sign_for: a handler of the lead unit signs for a dispatched request."""

import pytest

from appeals import services
from appeals.errors import Forbidden
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


@pytest.mark.parametrize("state", states_inside("sign"))
def test_handler_signs_for_a_request_of_their_unit(cast, state):
    appeal = cast.appeal_in(state)
    services.sign_for(appeal, actor=member(cast, "handler"))
    appeal.refresh_from_db()
    assert appeal.status == S.SIGNED
    assert appeal.step_due == appeal.handle_due  # the reply deadline now runs
    assert appeal.step_started <= appeal.step_warn_at <= appeal.step_due
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("sign", state, S.SIGNED)
    assert event.actor == cast.handler
    assert event.actor_unit == cast.community_unit  # the public timeline names the unit, not the person


def test_the_due_soon_warning_falls_in_office_hours_at_three_quarters_of_the_working_time_left(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.DISPATCHED)  # reply due 2026-06-15 18:00
    clock.set("2026-06-08 18:00")
    services.sign_for(appeal, actor=member(cast, "handler"))
    appeal.refresh_from_db()
    # 40 working hours left (Tue–Fri, Mon); 30 of them end on Friday at 16:00, not on Sunday night.
    assert appeal.step_warn_at == at("2026-06-12 16:00")


def test_an_urgent_requests_warning_runs_on_the_continuous_clock(cast, clock):
    clock.set("2026-06-06 22:00")  # Saturday
    appeal = cast.appeal_in(S.DISPATCHED, urgency="urgent")  # reply due Sunday 22:00
    services.sign_for(appeal, actor=member(cast, "handler"))
    appeal.refresh_from_db()
    assert appeal.step_warn_at == at("2026-06-07 16:00")


def test_a_handler_of_a_co_unit_cannot_sign(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    refused(Forbidden, lambda: services.sign_for(appeal, actor=member(cast, "property_handler")), appeal)


@pytest.mark.parametrize("state", ["submitted", "registered"])
def test_a_handler_cannot_sign_before_the_request_is_dispatched_to_their_unit(cast, state):
    appeal = cast.appeal_in(state)
    refused(Forbidden, lambda: services.sign_for(appeal, actor=member(cast, "handler")), appeal)


def test_signing_a_reopened_request_runs_a_new_reply_deadline(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.EVALUATED)  # first reply was due 2026-06-15 18:00
    clock.set("2026-06-22 10:00")  # Monday, two weeks later
    services.reopen(appeal, actor=member(cast, "dispatcher"), reason="居民反映电梯仍有异响")
    services.sign_for(appeal, actor=member(cast, "handler"))
    appeal.refresh_from_db()
    assert appeal.handle_due == at("2026-06-29 18:00")
    assert appeal.step_due == at("2026-06-29 18:00")
    assert not appeal.is_overdue()


@pytest.mark.parametrize("state", wrong_states("sign"))
def test_sign_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "sign", state)


@pytest.mark.parametrize("who", members_without("sign"))
def test_sign_is_refused_to_anyone_but_a_handler_of_the_lead_unit(cast, who):
    check_refused_to(cast, "sign", who)
