"""reopen: after a dissatisfied rating the request is done again; the third
time it escalates to the county."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.models import Status
from organisations.models import Role

from ._support import (
    add_user,
    at,
    check_refused_in_state,
    check_refused_to,
    events,
    last_event,
    member,
    members_without,
    refused,
    states_inside,
    wrong_states,
)

S = Status


@pytest.mark.parametrize("who", ["dispatcher", "supervisor"])
def test_a_dissatisfied_request_is_reopened_with_a_reason(cast, who, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.EVALUATED)
    clock.set("2026-06-17 10:00")  # Wednesday
    services.reopen(appeal, actor=member(cast, who), reason="居民反映电梯仍有异响")
    appeal.refresh_from_db()
    assert appeal.status == S.REOPENED
    assert appeal.reopen_count == 1
    assert appeal.rating == "" and appeal.evaluated_at is None
    assert appeal.reply_result == "" and appeal.replied_at is None
    assert appeal.unit == cast.community_unit  # back to the same unit to sign for again
    assert appeal.step_due == at("2026-06-18 18:00")  # sign for: 1 working day
    # A new handling period of 5 working days: Thu 18, (Dragon Boat Festival Fri 19), Mon 22 … Thu 25.
    assert appeal.handle_due == at("2026-06-25 18:00")
    assert appeal.escalated is False and appeal.owner_node == cast.town
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("reopen", S.EVALUATED, S.REOPENED)
    assert event.actor == getattr(cast, who) and event.note == "居民反映电梯仍有异响"
    assert event.data == {"reopen_count": 1}


@pytest.mark.parametrize("reason", ["", " ", None])
def test_a_reopen_without_a_reason_is_refused(cast, reason):
    appeal = cast.appeal_in(S.EVALUATED)
    refused(Invalid, lambda: services.reopen(appeal, actor=member(cast, "dispatcher"), reason=reason), appeal,
            field="reason")


def _round(appeal, cast):
    """Sign, reply, and the resident is still dissatisfied."""
    services.sign_for(appeal, actor=member(cast, "handler"))
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已再次维修")
    services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")


def test_the_third_reopen_escalates_to_the_county(cast):
    appeal = cast.appeal_in(S.EVALUATED)
    town_dispatcher = member(cast, "dispatcher")
    for n in (1, 2):
        services.reopen(appeal, actor=town_dispatcher, reason=f"第{n}次重办")
        _round(appeal, cast)
    appeal.refresh_from_db()
    assert appeal.escalated is False and appeal.owner_node == cast.town

    services.reopen(appeal, actor=town_dispatcher, reason="第3次重办")
    appeal.refresh_from_db()
    assert appeal.reopen_count == 3
    assert appeal.escalated is True and appeal.supervised is True
    assert appeal.owner_node == cast.county and appeal.owner_path == cast.county.path
    reopen, escalate = events(appeal)[-2:]
    assert reopen.action == "reopen" and reopen.data == {"reopen_count": 3}
    assert escalate.action == "escalate" and escalate.actor is None and not escalate.public
    assert (escalate.from_status, escalate.to_status) == (S.REOPENED, S.REOPENED)
    assert escalate.data == {"owner_node": "HTB"}

    # The town's dispatcher can no longer act; a county dispatcher can.
    town_dispatcher = member(cast, "dispatcher")
    assert "dispatch" not in services.allowed_actions(appeal, town_dispatcher)
    refused(Forbidden, lambda: services.dispatch(appeal, actor=town_dispatcher, unit=cast.department.pk), appeal)
    county_dispatcher = add_user("countydispatcher", (Role.Name.DISPATCHER, cast.county, None))
    assert "dispatch" in services.allowed_actions(appeal, county_dispatcher)
    services.dispatch(appeal, actor=county_dispatcher, unit=cast.department.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.unit == cast.department
    assert last_event(appeal).actor == county_dispatcher


def test_an_escalated_request_does_not_escalate_again(cast):
    appeal = cast.appeal_in(S.EVALUATED)
    county_dispatcher = add_user("countydispatcher", (Role.Name.DISPATCHER, cast.county, None))
    for n in range(1, 5):
        services.reopen(appeal, actor=county_dispatcher, reason=f"第{n}次重办")
        _round(appeal, cast)
    assert len(events(appeal, "escalate")) == 1


@pytest.mark.parametrize("state", wrong_states("reopen"))
def test_reopen_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "reopen", state)


def test_reopen_is_allowed_only_after_evaluation():
    assert states_inside("reopen") == [S.EVALUATED]


@pytest.mark.parametrize("who", members_without("reopen", also_allowed=("supervisor",)))
def test_reopen_is_refused_to_anyone_but_the_dispatcher_and_supervisor(cast, who):
    check_refused_to(cast, "reopen", who)
