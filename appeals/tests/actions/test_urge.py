"""urge (催办): a supervisor presses for a request still being worked on."""

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


@pytest.mark.parametrize("state", states_inside("urge"))
def test_supervisor_urges_a_request_before_its_reply(cast, state):
    appeal = cast.appeal_in(state)
    version = appeal.version
    services.urge(appeal, actor=member(cast, "supervisor"), content="请今日内联系居民")
    appeal.refresh_from_db()
    assert appeal.status == state and appeal.version == version  # the request itself is unchanged
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
