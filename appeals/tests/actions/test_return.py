"""return_to_dispatcher: a handler sends a request back, with a reason."""

import pytest

from appeals import services
from appeals.errors import Invalid
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


@pytest.mark.parametrize("state", states_inside("return"))
def test_handler_returns_a_request_to_the_dispatcher(cast, state):
    appeal = cast.appeal_in(state)
    services.return_to_dispatcher(appeal, actor=member(cast, "handler"), reason="该楼栋属美居物业管理")
    appeal.refresh_from_db()
    assert appeal.status == S.RETURNED
    assert appeal.handle_due is None
    assert appeal.step_due is not None  # the dispatcher's clock runs again
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("return", state, S.RETURNED)
    assert event.actor == cast.handler and event.actor_unit == cast.community_unit
    assert event.note == "该楼栋属美居物业管理"
    assert event.data == {"unit": cast.community_unit.pk}


def test_returning_restarts_the_dispatch_clock(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.DISPATCHED)
    clock.set("2026-06-08 17:00")
    services.return_to_dispatcher(appeal, actor=member(cast, "handler"), reason="不属本社区")
    appeal.refresh_from_db()
    assert appeal.step_due == at("2026-06-09 12:00")  # 1 hour today, 3 tomorrow morning


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_a_return_without_a_reason_is_refused(cast, reason):
    appeal = cast.appeal_in(S.DISPATCHED)
    refused(Invalid, lambda: services.return_to_dispatcher(appeal, actor=member(cast, "handler"), reason=reason),
            appeal, field="reason")


def test_returning_drops_a_pending_extension_request(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler, dispatcher = member(cast, "handler"), member(cast, "dispatcher")
    services.request_extension(appeal, actor=handler, days=2, reason="等待配件")
    services.return_to_dispatcher(appeal, actor=handler, reason="应由物业维修")
    appeal.refresh_from_db()
    assert appeal.pending_extension_days is None and appeal.pending_extension_reason == ""
    # After re-dispatch the new unit can ask for its own extension.
    services.dispatch(appeal, actor=dispatcher, unit=cast.property.pk)
    property_handler = member(cast, "property_handler")
    services.sign_for(appeal, actor=property_handler)
    services.request_extension(appeal, actor=property_handler, days=1, reason="需厂家上门")
    appeal.refresh_from_db()
    assert appeal.pending_extension_days == 1


@pytest.mark.parametrize("state", wrong_states("return"))
def test_return_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "return", state)


@pytest.mark.parametrize("who", members_without("return"))
def test_return_is_refused_to_anyone_but_a_handler_of_the_lead_unit(cast, who):
    check_refused_to(cast, "return", who)
