"""close: a dispatcher archives a replied or evaluated request."""

import pytest

from appeals import services
from appeals.errors import WrongState
from appeals.models import Status

from ._support import (
    check_refused_in_state,
    check_refused_to,
    last_event,
    member,
    members_without,
    prepare,
    refused,
    states_inside,
    wrong_states,
)

S = Status


@pytest.mark.parametrize("state", states_inside("close"))
def test_dispatcher_closes_a_request_whose_resident_was_asked(cast, state):
    appeal = cast.appeal_in(state)
    prepare(cast, "close", appeal)  # a replied request: after a call-back that reached nobody
    services.close(appeal, actor=member(cast, "dispatcher"), note="已回访")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.closed_at is not None
    assert appeal.step_due is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("close", state, S.CLOSED)
    assert event.actor == cast.dispatcher and event.note == "已回访"
    # Only a request that was rated counts as evaluated.
    assert event.data == {"evaluated": state == S.EVALUATED}


@pytest.mark.parametrize("state", wrong_states("close"))
def test_close_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "close", state)


@pytest.mark.parametrize("who", members_without("close"))
def test_close_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "close", who)


def test_a_replied_request_cannot_be_closed_before_the_resident_was_asked(cast):
    appeal = cast.appeal_in(S.REPLIED)
    error = refused(WrongState, lambda: services.close(appeal, actor=member(cast, "dispatcher")), appeal)
    assert error.code == "wrong_state"
    assert "close" not in services.allowed_actions(appeal, member(cast, "dispatcher"))
