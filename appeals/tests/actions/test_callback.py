"""callback (回访): a dispatcher or supervisor calls the resident and records
the answer as the actor of the event; the handling unit's own staff never do."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.models import Status
from organisations.models import Role

from ._support import (
    add_user,
    check_refused_in_state,
    check_refused_to,
    events,
    last_event,
    member,
    members_without,
    refused,
    wrong_states,
)

S = Status
R = Role.Name


@pytest.mark.parametrize("who", ["dispatcher", "supervisor"])
def test_a_call_back_records_the_residents_rating_with_the_caller_as_actor(cast, who):
    appeal = cast.appeal_in(S.REPLIED)
    services.callback(appeal, actor=member(cast, who), rating="basically_satisfied", comment="电话回访：基本满意")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.rating == "basically_satisfied"
    assert appeal.evaluated_via == "callback" and appeal.callback_at is not None
    evaluate, _close = events(appeal, "evaluate", "close")
    assert evaluate.actor == getattr(cast, who) and evaluate.note == "电话回访：基本满意"
    assert evaluate.data == {"rating": "basically_satisfied", "channel": "callback", "proof": "callback"}


def test_a_dissatisfied_answer_waits_for_the_dispatcher(cast):
    appeal = cast.appeal_in(S.REPLIED)
    services.callback(appeal, actor=member(cast, "supervisor"), rating="dissatisfied")
    appeal.refresh_from_db()
    assert appeal.status == S.EVALUATED
    assert {"reopen", "close"} <= set(services.allowed_actions(appeal, member(cast, "dispatcher")))


def test_a_call_that_reached_nobody_is_recorded_and_lets_the_dispatcher_close(cast):
    appeal = cast.appeal_in(S.REPLIED)
    assert "close" not in services.allowed_actions(appeal, member(cast, "dispatcher"))
    services.callback(appeal, actor=member(cast, "supervisor"), reached=False, comment="两次无人接听")
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED and appeal.rating == "" and appeal.callback_at is not None
    event = last_event(appeal)
    assert (event.action, event.actor, event.data) == ("callback", cast.supervisor, {"reached": False})
    assert not event.public
    services.close(appeal, actor=member(cast, "dispatcher"), note="联系不上居民")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and last_event(appeal).data == {"evaluated": False}


def test_the_handling_units_own_staff_cannot_record_the_evaluation_of_its_reply(cast):
    # The town's dispatcher also works in the community office that replied.
    Role.objects.create(user=cast.dispatcher, name=R.HANDLER, unit=cast.community_unit)
    appeal = cast.appeal_in(S.REPLIED)
    for reached in (True, False):
        refused(Forbidden, lambda reached=reached: services.callback(
            appeal, actor=member(cast, "dispatcher"), reached=reached, rating="satisfied"), appeal)
    assert "callback" not in services.allowed_actions(appeal, member(cast, "dispatcher"))


def test_a_co_units_staff_cannot_record_it_either(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    services.co_reply(appeal, actor=member(cast, "property_handler"), content="物业已配合")
    services.sign_for(appeal, actor=member(cast, "handler"))
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已修复")
    supervisor = add_user("propertysupervisor", (R.SUPERVISOR, cast.county, None), (R.HANDLER, None, cast.property))
    refused(Forbidden, lambda: services.callback(appeal, actor=supervisor, rating="satisfied"), appeal)


@pytest.mark.parametrize("rating", ["", "great", None])
def test_a_reached_call_back_needs_a_rating(cast, rating):
    appeal = cast.appeal_in(S.REPLIED)
    refused(Invalid, lambda: services.callback(appeal, actor=member(cast, "dispatcher"), rating=rating), appeal,
            field="rating")


@pytest.mark.parametrize("state", wrong_states("callback"))
def test_a_call_back_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "callback", state)


@pytest.mark.parametrize("who", members_without("callback", also_allowed=("supervisor",)))
def test_a_call_back_is_refused_to_anyone_but_dispatchers_and_supervisors(cast, who):
    check_refused_to(cast, "callback", who)
