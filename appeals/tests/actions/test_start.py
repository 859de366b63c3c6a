"""start: a handler who signed for a request starts work on it."""

import pytest

from appeals import services
from appeals.models import Status

from ._support import (
    check_refused_in_state,
    check_refused_to,
    last_event,
    member,
    members_without,
    states_inside,
    wrong_states,
)

S = Status


@pytest.mark.parametrize("state", states_inside("start"))
def test_handler_starts_work_on_a_signed_request(cast, state):
    appeal = cast.appeal_in(state)
    due = appeal.step_due
    services.start(appeal, actor=member(cast, "handler"), note="已到现场查看")
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    assert appeal.step_due == due  # the reply deadline keeps running
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("start", S.SIGNED, S.IN_PROGRESS)
    assert event.actor == cast.handler and event.actor_unit == cast.community_unit
    assert event.note == "已到现场查看"


@pytest.mark.parametrize("state", wrong_states("start"))
def test_start_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "start", state)


@pytest.mark.parametrize("who", members_without("start"))
def test_start_is_refused_to_anyone_but_a_handler_of_the_lead_unit(cast, who):
    check_refused_to(cast, "start", who)
