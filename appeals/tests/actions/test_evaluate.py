"""evaluate: the resident rates the reply, signed in or proven by the
request's private token; a dispatcher or supervisor records it by call-back."""

import pytest

from appeals import residents, services
from appeals.errors import Forbidden, Invalid, WrongState
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


@pytest.mark.parametrize("rating", ["satisfied", "basically_satisfied"])
def test_a_satisfied_rating_closes_the_request(cast, rating):
    appeal = cast.appeal_in(S.REPLIED)
    services.evaluate(appeal, actor=member(cast, "resident"), rating=rating, comment="维修及时")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED
    assert appeal.rating == rating and appeal.rating_comment == "维修及时" and appeal.evaluated_via == "page"
    assert appeal.evaluated_at is not None and appeal.closed_at == appeal.evaluated_at
    assert appeal.step_due is None
    evaluate, close = events(appeal, "evaluate", "close")
    assert (evaluate.from_status, evaluate.to_status) == (S.REPLIED, S.EVALUATED)
    assert evaluate.actor == cast.resident and evaluate.note == "维修及时"
    # Every evaluation says who recorded it and through which door.
    assert evaluate.data == {"rating": rating, "channel": "page", "proof": "account"}
    assert (close.from_status, close.to_status) == (S.EVALUATED, S.CLOSED)
    assert close.actor is None and close.data == {"evaluated": True, "auto": True}
    assert last_event(appeal) == close


def test_a_dissatisfied_rating_leaves_the_request_to_the_dispatcher(cast):
    appeal = cast.appeal_in(S.REPLIED)
    services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied", comment="电梯仍有异响")
    appeal.refresh_from_db()
    assert appeal.status == S.EVALUATED and appeal.rating == "dissatisfied"
    assert appeal.closed_at is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("evaluate", S.REPLIED, S.EVALUATED)
    assert events(appeal, "close") == []
    assert "reopen" in services.allowed_actions(appeal, member(cast, "dispatcher"))


def test_a_resident_without_an_account_rates_with_the_private_token(cast):
    appeal = cast.appeal_in(S.REPLIED)
    services.evaluate(appeal, token=residents.token_for(appeal), rating="satisfied", channel="api")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.evaluated_via == "api"
    evaluate, _close = events(appeal, "evaluate", "close")
    assert evaluate.actor is None and evaluate.data == {"rating": "satisfied", "channel": "api", "proof": "token"}


@pytest.mark.parametrize("token", ["", "a" * 24, None])
def test_without_the_right_token_nobody_rates(cast, token):
    appeal = cast.appeal_in(S.REPLIED)
    if token is None:
        call = lambda: services.evaluate(appeal, actor=None, rating="satisfied")  # noqa: E731
    else:
        call = lambda: services.evaluate(appeal, token=token, rating="satisfied")  # noqa: E731
    refused(Forbidden, call, appeal)


def test_another_requests_token_does_not_rate_this_one(cast):
    appeal, other = cast.appeal_in(S.REPLIED), cast.appeal_in(S.REPLIED)
    refused(Forbidden, lambda: services.evaluate(appeal, token=residents.token_for(other), rating="satisfied"),
            appeal)


def test_rating_with_the_token_is_refused_before_the_reply(cast):
    appeal = cast.appeal_in(S.SIGNED)
    refused(WrongState, lambda: services.evaluate(appeal, token=residents.token_for(appeal), rating="satisfied"),
            appeal)


def test_another_resident_cannot_rate_my_request(cast):
    appeal = cast.appeal_in(S.REPLIED)
    neighbour = add_user("neighbour", (Role.Name.RESIDENT, None, None))
    refused(Forbidden, lambda: services.evaluate(appeal, actor=neighbour, rating="dissatisfied"), appeal)


@pytest.mark.parametrize("who", ["dispatcher", "supervisor", "handler", "admin"])
def test_staff_never_rate_as_the_resident(cast, who):
    appeal = cast.appeal_in(S.REPLIED)
    refused(Forbidden, lambda: services.evaluate(appeal, actor=member(cast, who), rating="satisfied"), appeal)


@pytest.mark.parametrize("rating", ["", "good", None, "SATISFIED"])
def test_an_unknown_rating_is_refused(cast, rating):
    appeal = cast.appeal_in(S.REPLIED)
    refused(Invalid, lambda: services.evaluate(appeal, actor=member(cast, "resident"), rating=rating), appeal,
            field="rating")


def test_a_comment_longer_than_500_characters_is_refused(cast):
    appeal = cast.appeal_in(S.REPLIED)
    refused(Invalid, lambda: services.evaluate(appeal, actor=member(cast, "resident"), rating="satisfied",
                                               comment="好" * 501), appeal, field="comment")


@pytest.mark.parametrize("state", wrong_states("evaluate"))
def test_evaluate_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "evaluate", state)


@pytest.mark.parametrize("who", members_without("evaluate", also_allowed=("admin",)))
def test_evaluate_is_refused_to_anyone_but_the_resident(cast, who):
    check_refused_to(cast, "evaluate", who)
