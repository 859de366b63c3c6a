"""dispatch: a dispatcher assigns a lead unit (and co-units) with deadlines."""

import pytest

from appeals import services
from appeals.errors import Invalid, NotFound
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


@pytest.mark.parametrize("state", states_inside("dispatch"))
def test_dispatcher_dispatches_to_a_lead_unit_with_co_units(cast, state):
    appeal = cast.appeal_in(state)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk, cast.community_unit.pk], note="请物业配合")
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED
    assert appeal.unit == cast.community_unit
    assert list(appeal.co_units.all()) == [cast.property]  # the lead unit is not its own co-unit
    assert appeal.handle_due is not None and appeal.step_due is not None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("dispatch", state, S.DISPATCHED)
    assert event.actor == cast.dispatcher and event.note == "请物业配合"
    assert event.data["unit"] == cast.community_unit.pk
    assert event.data["unit_name"] == "花城社区居委会"
    assert event.data["co_units"] == [cast.property.pk]


def test_dispatch_sets_the_sign_for_and_reply_deadlines_on_working_time(cast, clock):
    clock.set("2026-06-08 10:00")  # Monday
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit)
    appeal.refresh_from_db()
    assert appeal.step_due == at("2026-06-09 18:00")  # sign for: 1 working day
    assert appeal.handle_due == at("2026-06-15 18:00")  # reply: 5 working days (Tue–Fri, Mon)
    assert last_event(appeal).data["handle_due"] == at("2026-06-15 18:00").isoformat()
    assert appeal.deadline_estimated is False


def test_an_urgent_request_gets_the_continuous_clock(cast, clock):
    clock.set("2026-06-06 22:00")  # Saturday night
    appeal = cast.appeal_in(S.REGISTERED, urgency="urgent")
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    appeal.refresh_from_db()
    assert appeal.step_due == at("2026-06-06 22:30")  # sign for: 30 minutes
    assert appeal.handle_due == at("2026-06-07 22:00")  # reply: 24 hours


def test_the_town_dispatcher_may_dispatch_to_a_county_department(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=str(cast.department.pk))
    appeal.refresh_from_db()
    assert appeal.unit == cast.department and appeal.status == S.DISPATCHED


def test_the_outsiders_unit_cannot_be_chosen(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    error = refused(NotFound, lambda: services.dispatch(appeal, actor=member(cast, "dispatcher"),
                                                        unit=cast.other_unit.pk), appeal, field="unit")
    assert error.status == 404  # a unit this dispatcher may not choose is not there for them


def test_the_outsiders_unit_cannot_be_a_co_unit(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    refused(NotFound, lambda: services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                                                co_units=[cast.other_unit.pk]), appeal, field="co_units")


def test_an_inactive_unit_cannot_be_chosen(cast):
    cast.property.active = False
    cast.property.save()
    appeal = cast.appeal_in(S.REGISTERED)
    refused(NotFound, lambda: services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.property.pk),
            appeal, field="unit")


@pytest.mark.parametrize("unit", [None, "", "abc", 999999, [1]])
def test_a_missing_or_unknown_unit_is_refused(cast, unit):
    appeal = cast.appeal_in(S.REGISTERED)
    refused(NotFound if unit == 999999 else Invalid,
            lambda: services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=unit), appeal, field="unit")


def test_redispatching_replaces_the_co_units(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    dispatcher = member(cast, "dispatcher")
    services.dispatch(appeal, actor=dispatcher, unit=cast.community_unit.pk, co_units=[cast.property.pk])
    services.return_to_dispatcher(appeal, actor=member(cast, "handler"), reason="应由城管处理")
    services.dispatch(appeal, actor=dispatcher, unit=cast.department.pk)
    appeal.refresh_from_db()
    assert appeal.unit == cast.department and list(appeal.co_units.all()) == []


@pytest.mark.parametrize("state", wrong_states("dispatch"))
def test_dispatch_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "dispatch", state)


@pytest.mark.parametrize("who", members_without("dispatch"))
def test_dispatch_is_refused_to_anyone_but_the_towns_dispatcher(cast, who):
    check_refused_to(cast, "dispatch", who)
