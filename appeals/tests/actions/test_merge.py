"""merge: a dispatcher joins a duplicate into another open request."""

import pytest

from appeals import services
from appeals.errors import Invalid, NotFound, WrongState
from appeals.models import Status

from ._support import (
    appeal_in,
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


@pytest.mark.parametrize("state", states_inside("merge"))
def test_dispatcher_merges_a_duplicate_into_an_open_request(cast, state):
    target = cast.appeal_in(S.DISPATCHED)
    appeal = cast.appeal_in(state)
    services.merge(appeal, actor=member(cast, "dispatcher"), into=target.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.MERGED and appeal.merged_into == target
    assert appeal.closed_at is not None and appeal.step_due is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("merge", state, S.MERGED)
    assert event.actor == cast.dispatcher
    assert event.data == {"into": target.pk, "into_tracking_no": target.tracking_no}
    target.refresh_from_db()
    assert target.status == S.DISPATCHED


def test_a_request_cannot_be_merged_into_itself(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    refused(WrongState, lambda: services.merge(appeal, actor=member(cast, "dispatcher"), into=appeal.pk), appeal,
            field="into")


@pytest.mark.parametrize("finished", [S.CLOSED, S.REJECTED, S.WITHDRAWN, S.MERGED])
def test_a_request_cannot_be_merged_into_a_finished_one(cast, finished):
    target = appeal_in(cast, finished)
    appeal = cast.appeal_in(S.REGISTERED)
    refused(WrongState, lambda: services.merge(appeal, actor=member(cast, "dispatcher"), into=target), appeal,
            field="into")


def test_a_request_cannot_be_merged_into_one_the_dispatcher_cannot_see(cast):
    target, _ = services.create_appeal(cast.intake_data(community="CJ-YA-BJ", address="北京南路12号"),
                                       actor=member(cast, "resident"))
    appeal = cast.appeal_in(S.REGISTERED)
    refused(NotFound, lambda: services.merge(appeal, actor=member(cast, "dispatcher"), into=target.pk), appeal,
            field="into")


@pytest.mark.parametrize("into", [None, "", "abc", 999999])
def test_a_missing_or_unknown_target_is_refused(cast, into):
    appeal = cast.appeal_in(S.REGISTERED)
    refused(NotFound if into == 999999 else Invalid,
            lambda: services.merge(appeal, actor=member(cast, "dispatcher"), into=into), appeal, field="into")


@pytest.mark.parametrize("state", wrong_states("merge"))
def test_merge_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "merge", state)


@pytest.mark.parametrize("who", members_without("merge"))
def test_merge_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "merge", who)
