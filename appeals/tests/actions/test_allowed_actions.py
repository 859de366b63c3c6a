"""allowed_actions() — what pages and the API offer — agrees with what the
action functions accept, for every state and every member of the cast."""

import pytest
from django.db import transaction

from appeals import services
from appeals.errors import Forbidden, WrongState
from appeals.models import Appeal, Status

from ._support import ALL_STATES, MEMBERS, PEOPLE_ACTIONS, appeal_in, member, perform, prepare

S = Status


class _Undo(Exception):
    pass


def _accepts(cast, action, appeal, user) -> tuple[bool, bool]:
    """(offered by allowed_actions, accepted by the function), then undone."""
    result = None
    try:
        with transaction.atomic():
            kwargs = prepare(cast, action, appeal)
            current = Appeal.objects.get(pk=appeal.pk)
            offered = action in services.allowed_actions(current, user)
            try:
                perform(action, current, user, **kwargs)
                accepted = True
            except (Forbidden, WrongState):
                accepted = False
            result = (offered, accepted)
            raise _Undo
    except _Undo:
        pass
    return result


@pytest.mark.parametrize("state", ALL_STATES)
def test_allowed_actions_agree_with_what_the_functions_accept(cast, state):
    appeal = appeal_in(cast, state)
    disagreements = []
    for name in MEMBERS:
        user = member(cast, name)
        for action in PEOPLE_ACTIONS:
            offered, accepted = _accepts(cast, action, appeal, user)
            if offered != accepted:
                disagreements.append((name, action, offered, accepted))
    assert disagreements == []


EXPECTED = {
    S.SUBMITTED: {
        "resident": {"withdraw"}, "grid_worker": {"note"}, "handler": set(), "dispatcher":
        {"register", "reject", "merge", "note"}, "supervisor": {"urge", "supervise", "note"}, "leader": set(),
        "outsider": set(), "other_dispatcher": set(),
    },
    S.DISPATCHED: {
        "resident": {"withdraw"}, "grid_worker": {"note"}, "handler": {"sign", "return", "note"},
        "property_handler": set(), "dispatcher": {"merge", "note"}, "supervisor": {"urge", "supervise", "note"},
        "leader": set(), "outsider": set(), "other_dispatcher": set(),
    },
    S.SIGNED: {
        "resident": {"withdraw"}, "handler": {"return", "start", "request-extension", "reply", "note"},
        "dispatcher": {"merge", "note"}, "leader": set(), "outsider": set(),
    },
    S.REPLIED: {
        # Closing waits until the resident was asked (a call-back or the end of the window);
        # the handling unit never records the evaluation of its own reply.
        "resident": {"evaluate"}, "handler": {"note"}, "dispatcher": {"callback", "note"},
        "supervisor": {"callback", "supervise", "note"}, "leader": set(), "outsider": set(),
    },
    S.EVALUATED: {
        "resident": set(), "handler": {"note"}, "dispatcher": {"reopen", "close", "note"},
        "supervisor": {"reopen", "supervise", "note"}, "outsider": set(),
    },
    S.CLOSED: {
        "resident": set(), "handler": {"note"}, "dispatcher": {"note"}, "supervisor": {"note"}, "leader": set(),
        "outsider": set(),
    },
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_cast_member_is_offered_exactly_their_actions(cast, state):
    appeal = appeal_in(cast, state)
    for name, expected in EXPECTED[state].items():
        assert set(services.allowed_actions(appeal, member(cast, name))) == expected, name


def test_nobody_without_an_account_is_offered_anything(cast):
    from django.contrib.auth.models import AnonymousUser

    appeal = appeal_in(cast, S.SUBMITTED)
    assert services.allowed_actions(appeal, AnonymousUser()) == []
    assert services.allowed_actions(appeal, None) == []


def test_a_co_units_handler_is_offered_its_part_and_the_lead_unit_is_not(cast):
    appeal = appeal_in(cast, S.DISPATCHED)
    # Dispatched to the community office; the property company joins as a co-unit.
    from appeals.models import CoUnit

    CoUnit.objects.create(appeal=appeal, unit=cast.property)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert set(services.allowed_actions(appeal, member(cast, "property_handler"))) == {"co-sign", "co-reply", "note"}
    assert "co-sign" not in services.allowed_actions(appeal, member(cast, "handler"))
