"""add_note: staff in scope keep internal notes on a request, in any state."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.models import Status

from ._support import ALL_STATES, appeal_in, last_event, member, refused

S = Status


@pytest.mark.parametrize("who", ["grid_worker", "handler", "dispatcher", "supervisor"])
def test_staff_in_scope_add_an_internal_note(cast, who):
    appeal = cast.appeal_in(S.SIGNED)
    version = appeal.version
    services.add_note(appeal, actor=member(cast, who), content="已电话联系居民，约定明早上门")
    appeal.refresh_from_db()
    assert appeal.status == S.SIGNED and appeal.version == version + 1  # ordered with every other write
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("note", S.SIGNED, S.SIGNED)
    assert event.actor == getattr(cast, who) and not event.public
    assert event.note == "已电话联系居民，约定明早上门"
    assert event.actor_unit == (cast.community_unit if who == "handler" else None)


@pytest.mark.parametrize("state", ALL_STATES)
def test_a_note_may_be_added_in_every_state(cast, state):
    appeal = appeal_in(cast, state)
    services.add_note(appeal, actor=member(cast, "dispatcher"), content="备注")
    assert last_event(appeal).action == "note"


@pytest.mark.parametrize("who", ["resident", "property_handler", "leader", "outsider", "other_dispatcher"])
def test_a_note_is_refused_to_anyone_outside_the_request(cast, who):
    appeal = cast.appeal_in(S.SIGNED)
    error = refused(Forbidden, lambda: services.add_note(appeal, actor=member(cast, who), content="备注"), appeal)
    assert error.status == 403


@pytest.mark.parametrize("content", ["", "   ", None, "注" * 2001])
def test_an_empty_or_overlong_note_is_refused(cast, content):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.add_note(appeal, actor=member(cast, "handler"), content=content), appeal,
            field="content")
