"""register: a dispatcher accepts a resident's submitted request."""

import pytest

from appeals import services
from appeals.errors import Invalid
from appeals.models import Status

from ._support import (
    at,
    check_refused_in_state,
    check_refused_to,
    last_event,
    member,
    members_without,
    refused,
    wrong_states,
)

S = Status


def test_dispatcher_registers_a_submitted_request(cast):
    appeal = cast.appeal_in(S.SUBMITTED)
    returned = services.register(appeal, actor=member(cast, "dispatcher"), note="已核实")
    appeal.refresh_from_db()
    assert returned.status == appeal.status == S.REGISTERED
    assert appeal.version == 1
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("register", S.SUBMITTED, S.REGISTERED)
    assert event.actor == cast.dispatcher and event.actor_unit is None
    assert event.note == "已核实" and event.public


def test_registering_restarts_the_dispatch_clock_in_office_hours(cast, clock):
    clock.set("2026-06-05 16:00")  # Friday
    appeal = cast.appeal_in(S.SUBMITTED)
    clock.set("2026-06-08 10:00")  # Monday
    services.register(appeal, actor=member(cast, "dispatcher"))
    appeal.refresh_from_db()
    # 4 working hours: 10–12 and 13–15.
    assert appeal.step_started == clock.now
    assert appeal.step_due == at("2026-06-08 15:00")
    assert appeal.step_warn_at == at("2026-06-08 14:00")


def test_a_note_longer_than_2000_characters_is_refused(cast):
    appeal = cast.appeal_in(S.SUBMITTED)
    refused(Invalid, lambda: services.register(appeal, actor=member(cast, "dispatcher"), note="字" * 2001), appeal,
            field="note")


@pytest.mark.parametrize("state", wrong_states("register"))
def test_register_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "register", state)


@pytest.mark.parametrize("who", members_without("register"))
def test_register_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "register", who)
