"""Two volunteers taking the same order at once, two confirmations of the same
order at once (the recipient's tap and the grid worker's): one of each wins,
and the hours are earned once. Real concurrent PostgreSQL connections (SQLite
serialises writers), as appeals/tests/test_concurrency_pg.py."""

from __future__ import annotations

import pytest
from django.db import connection

from appeals.errors import WrongState
from appeals.tests.test_concurrency_pg import race
from care import services
from care.models import Order
from volunteers.models import HoursEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent connections: set DATABASE_URL to a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]
S = Order.State

# The lock takes only the order's row (select_for_update(of=("self",))): PostgreSQL refuses
# FOR UPDATE on the nullable side of an outer join, which select_related('volunteer') makes.


@pytest.fixture(autouse=True)
def morning(clock):
    clock.set("2026-06-03 09:00")


def test_a_volunteer_takes_an_order_on_postgresql(make_order, volunteer):
    order = make_order()
    services.take(order, volunteer)
    assert Order.objects.get(pk=order.pk).volunteer_id == volunteer.pk


def test_two_volunteers_taking_the_same_order_at_once_one_gets_it(make_order, volunteer, other_volunteer):
    order = make_order()
    results = race(lambda: services.take(order, volunteer), lambda: services.take(order, other_volunteer))
    wins = [value for value, error in results if error is None]
    losses = [error for _value, error in results if error is not None]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], WrongState) and losses[0].code == "taken"
    order = Order.objects.get(pk=order.pk)
    assert order.state == S.TAKEN and order.volunteer_id == wins[0].volunteer_id
    assert order.volunteer_id in (volunteer.pk, other_volunteer.pk)


def test_two_confirmations_of_the_same_done_order_at_once_earn_the_hours_once(make_order, volunteer, cast):
    # Made done straight in the table, so that only the two confirmations race.
    order = make_order()
    Order.objects.filter(pk=order.pk).update(state=S.DONE, volunteer=volunteer)
    results = race(lambda: services.confirm(order), lambda: services.confirm(order, by=cast.grid_worker))
    losses = [error for _value, error in results if error is not None]
    assert len(losses) == 1 and isinstance(losses[0], WrongState), results
    assert Order.objects.get(pk=order.pk).state == S.CONFIRMED
    (entry,) = HoursEntry.objects.filter(source=f"order:{order.pk}")
    assert entry.volunteer_id == volunteer.pk and entry.minutes == order.minutes


def test_the_reminder_of_a_missed_order_is_sent_on_postgresql(make_order, volunteer, clock):
    # Taken straight in the table: only the reminder's own lock is under test.
    order = make_order()
    Order.objects.filter(pk=order.pk).update(state=S.TAKEN, volunteer=volunteer, taken_at=clock.now)
    clock.set("2026-06-03 12:00")
    assert services.remind_missed() == 1
    assert Order.objects.get(pk=order.pk).reminded_at is not None
