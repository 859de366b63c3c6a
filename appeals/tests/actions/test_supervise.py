"""supervise (督办): a supervisor places an open request under formal supervision."""

from datetime import datetime

import pytest

from appeals import services
from appeals.errors import Invalid, WrongState
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


@pytest.mark.parametrize("state", states_inside("supervise"))
def test_supervisor_places_an_open_request_under_supervision(cast, state):
    appeal = cast.appeal_in(state)
    services.supervise(appeal, actor=member(cast, "supervisor"), content="列入督办")
    appeal.refresh_from_db()
    assert appeal.status == state
    assert appeal.supervised is True and appeal.supervise_due is not None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("supervise", state, state)
    assert event.actor == cast.supervisor and event.note == "列入督办" and not event.public
    assert datetime.fromisoformat(event.data["due"]) == appeal.supervise_due


def test_supervision_runs_three_working_days(cast, clock):
    clock.set("2026-06-05 11:00")  # Friday
    appeal = cast.appeal_in(S.SIGNED)
    services.supervise(appeal, actor=member(cast, "supervisor"), content="列入督办")
    appeal.refresh_from_db()
    assert appeal.supervise_due == at("2026-06-10 18:00")  # Mon, Tue, Wed


def test_a_request_is_placed_under_supervision_once(cast):
    appeal = cast.appeal_in(S.SIGNED)
    supervisor = member(cast, "supervisor")
    services.supervise(appeal, actor=supervisor, content="列入督办")
    refused(WrongState, lambda: services.supervise(appeal, actor=supervisor, content="再次督办"), appeal)


@pytest.mark.parametrize("content", ["", None, "督" * 1001])
def test_supervision_needs_a_notice_of_at_most_1000_characters(cast, content):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.supervise(appeal, actor=member(cast, "supervisor"), content=content), appeal,
            field="content")


@pytest.mark.parametrize("state", wrong_states("supervise"))
def test_supervise_is_refused_once_the_request_is_finished(cast, state):
    check_refused_in_state(cast, "supervise", state)


@pytest.mark.parametrize("who", members_without("supervise"))
def test_supervise_is_refused_to_anyone_but_a_supervisor(cast, who):
    check_refused_to(cast, "supervise", who)
