"""urge (催办): a supervisor presses for a request still being worked on."""

import pytest

from appeals import services
from appeals.errors import Invalid, WrongState
from appeals.models import Status

from ._support import (
    Clock,
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


@pytest.mark.parametrize("state", states_inside("urge"))
def test_supervisor_urges_a_request_before_its_reply(cast, state):
    appeal = cast.appeal_in(state)
    version = appeal.version
    services.urge(appeal, actor=member(cast, "supervisor"), content="请今日内联系居民")
    appeal.refresh_from_db()
    # The state is unchanged; the version moves, so an urge is ordered with every other write.
    assert appeal.status == state and appeal.version == version + 1
    assert appeal.urge_count == 1 and appeal.last_urged_at is not None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("urge", state, state)
    assert event.actor == cast.supervisor and event.note == "请今日内联系居民"
    assert not event.public  # internal: the resident's timeline does not show it


@pytest.mark.parametrize("content", ["", "  ", None, "催" * 501])
def test_an_urge_needs_a_message_of_at_most_500_characters(cast, content):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.urge(appeal, actor=member(cast, "supervisor"), content=content), appeal,
            field="content")


@pytest.mark.parametrize("state", wrong_states("urge"))
def test_urge_is_refused_after_the_reply(cast, state):
    check_refused_in_state(cast, "urge", state)


@pytest.mark.parametrize("who", members_without("urge"))
def test_urge_is_refused_to_anyone_but_a_supervisor(cast, who):
    check_refused_to(cast, "urge", who)


def test_a_second_urge_within_the_interval_is_refused_and_tells_nobody_twice(cast, monkeypatch, settings):
    settings.HUBIYING_URGE_INTERVAL_MINUTES = 60
    clock = Clock(monkeypatch)
    clock.set("2026-06-03 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    services.urge(appeal, actor=member(cast, "supervisor"), content="请尽快办理")
    clock.set("2026-06-03 10:01")
    error = refused(WrongState, lambda: services.urge(appeal, actor=member(cast, "supervisor"), content="再催"),
                    appeal)
    assert "10:00" in error.detail and "11:00" in error.detail  # when it was urged, and when it may be again
    appeal.refresh_from_db()
    assert "urge" not in services.allowed_actions(appeal, member(cast, "supervisor"))
    clock.set("2026-06-03 11:00")
    services.urge(appeal, actor=member(cast, "supervisor"), content="再次催办")
    appeal.refresh_from_db()
    assert appeal.urge_count == 2
