"""withdraw: the resident who submitted a request takes it back before the reply."""

import pytest

from appeals import services
from appeals.errors import Forbidden
from appeals.models import Status
from organisations.models import Role

from ._support import (
    add_user,
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


@pytest.mark.parametrize("state", states_inside("withdraw"))
def test_the_resident_withdraws_before_the_reply(cast, state):
    appeal = cast.appeal_in(state)
    services.withdraw(appeal, actor=member(cast, "resident"), reason="问题已自行解决")
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN
    assert appeal.closed_at is not None and appeal.step_due is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("withdraw", state, S.WITHDRAWN)
    assert event.actor == cast.resident and event.note == "问题已自行解决"


@pytest.mark.parametrize("state", [S.REPLIED, S.EVALUATED, S.CLOSED])
def test_a_request_cannot_be_withdrawn_after_the_reply(cast, state):
    check_refused_in_state(cast, "withdraw", state)


def test_another_resident_cannot_withdraw_my_request(cast):
    appeal = cast.appeal_in(S.SUBMITTED)
    neighbour = add_user("neighbour", (Role.Name.RESIDENT, None, None))
    refused(Forbidden, lambda: services.withdraw(appeal, actor=neighbour), appeal)


def test_a_request_registered_by_staff_has_no_resident_who_may_withdraw_it(cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=member(cast, "dispatcher"), channel="hotline")
    refused(Forbidden, lambda: services.withdraw(appeal, actor=member(cast, "resident")), appeal)


@pytest.mark.parametrize("state", wrong_states("withdraw"))
def test_withdraw_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "withdraw", state)


@pytest.mark.parametrize("who", members_without("withdraw"))
def test_withdraw_is_refused_to_anyone_but_the_resident(cast, who):
    check_refused_to(cast, "withdraw", who)
