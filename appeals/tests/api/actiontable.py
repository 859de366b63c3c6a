"""The checks every action endpoint gets: it works for the right role and is
refused for the wrong role (403), in the wrong state (409), with bad fields
(400) and on a request the caller cannot see (404). Each action file lists
its cases and calls these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from appeals.models import Appeal

from .conftest import assert_error

Body = dict | Callable[..., dict]


@dataclass
class Case:
    prepare: Callable  # cast -> appeal in a state where `actor` may act
    actor: str  # the cast member who may act
    check: Callable  # reloaded appeal -> bool
    wrong_actor: str  # sees the request but may not act
    body: Body = field(default_factory=dict)
    wrong_state: Callable | None = None  # cast -> appeal where the action is not allowed
    bad_bodies: list[tuple[Body, str]] = field(default_factory=list)  # (body, field at fault)


def _body(body: Body, cast, appeal) -> dict:
    return body(cast, appeal) if callable(body) else body


def _snapshot(appeal: Appeal) -> tuple:
    appeal.refresh_from_db()
    return appeal.status, appeal.version, appeal.events.count()


def succeeds(case: Case, action: str, cast, act) -> None:
    appeal = case.prepare(cast)
    events_before = appeal.events.count()
    response = act(getattr(cast, case.actor), appeal, action, _body(case.body, cast, appeal))
    assert response.status_code == 200, response.json()
    appeal.refresh_from_db()
    assert response.json()["status"] == appeal.status
    assert response.json()["id"] == appeal.pk
    assert case.check(appeal), appeal.__dict__
    assert appeal.events.count() > events_before
    assert appeal.events.filter(action=action, actor=getattr(cast, case.actor)).exists()


def refused_for_wrong_role(case: Case, action: str, cast, act) -> None:
    appeal = case.prepare(cast)
    before = _snapshot(appeal)
    response = act(getattr(cast, case.wrong_actor), appeal, action, _body(case.body, cast, appeal))
    assert_error(response, 403, "forbidden")
    assert _snapshot(appeal) == before


def refused_in_wrong_state(case: Case, action: str, cast, act) -> None:
    appeal = case.wrong_state(cast)
    before = _snapshot(appeal)
    response = act(getattr(cast, case.actor), appeal, action, _body(case.body, cast, appeal))
    assert_error(response, 409, "wrong_state")
    assert _snapshot(appeal) == before


def refused_with_bad_fields(case: Case, action: str, cast, act) -> None:
    for body, field_name in case.bad_bodies:
        appeal = case.prepare(cast)
        before = _snapshot(appeal)
        response = act(getattr(cast, case.actor), appeal, action, _body(body, cast, appeal))
        assert_error(response, 400, "invalid", field_name)
        assert _snapshot(appeal) == before


def invisible_to_outsider(case: Case, action: str, cast, act) -> None:
    appeal = case.prepare(cast)
    before = _snapshot(appeal)
    response = act(cast.outsider, appeal, action, _body(case.body, cast, appeal))
    assert_error(response, 404, "not_found")
    assert _snapshot(appeal) == before
