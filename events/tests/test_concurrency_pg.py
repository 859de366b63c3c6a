"""Residents taking the last places at once: never more signed up than the
places, never two moved up into one freed place. Real concurrent PostgreSQL
connections (SQLite serialises writers), as appeals/tests/test_concurrency_pg.py."""

from __future__ import annotations

import pytest
from django.db import connection

from appeals.tests.test_concurrency_pg import race
from events import services
from events.models import Signup

from .test_signups import code_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent connections: set DATABASE_URL to a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]
S = Signup.State


def test_eight_at_once_for_three_places_three_are_in_and_five_wait_in_a_line(make_event):
    event = make_event(capacity=3)
    phones = [f"1390000000{i}" for i in range(8)]
    codes = {p: code_for(event, p) for p in phones}
    results = race(*[(lambda p=p: services.sign_up(event, name="居民", phone=p, code=codes[p])) for p in phones])
    assert all(error is None for _value, error in results), results
    states = [s.state for s in Signup.objects.filter(event=event)]
    assert states.count(S.CONFIRMED) == 3 and states.count(S.WAITING) == 5
    positions = sorted(services.waiting_position(s) for s in Signup.objects.filter(event=event, state=S.WAITING))
    assert positions == [1, 2, 3, 4, 5]


def test_two_places_freed_at_once_go_to_the_first_two_waiting_only(make_event):
    event = make_event(capacity=2)
    a, b = (Signup.objects.create(event=event, name="甲", phone=p, state=S.CONFIRMED)
            for p in ("13900000000", "13900000001"))
    waiting = [Signup.objects.create(event=event, name="候补", phone=f"1390000001{i}", state=S.WAITING)
               for i in range(3)]
    results = race(lambda: services.cancel(a), lambda: services.cancel(b))
    assert all(error is None for _value, error in results), results
    states = {s.pk: s.state for s in Signup.objects.filter(event=event)}
    assert [states[w.pk] for w in waiting] == [S.CONFIRMED, S.CONFIRMED, S.WAITING]
    assert sum(state in Signup.SEATED for state in states.values()) == 2
