"""Two people acting on the same request at once never both succeed, and
concurrent intakes never share a tracking number or duplicate a keyed request.

Real concurrent PostgreSQL connections, one per thread, released together by
a barrier. SQLite serialises writers, so these tests only run on PostgreSQL:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/hubiying .venv/bin/pytest appeals/tests/test_concurrency_pg.py
"""

import re
import threading

import pytest
from django.db import connection, connections

from appeals import services
from appeals.errors import Conflict, WrongState
from appeals.models import Appeal, AppealEvent, IdempotencyKey, Status
from appeals.tests.actions._support import add_user, member
from organisations.models import Role

S = Status
R = Role.Name

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent connections: set DATABASE_URL to a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    """Runs every call in its own thread and connection, all released at once.
    Returns [(value, None) or (None, exception)] in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = (call(), None)
        except Exception as error:  # noqa: BLE001  (collected and asserted by the test)
            results[i] = (None, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def one_winner(results):
    wins = [value for value, error in results if error is None]
    losses = [error for _value, error in results if error is not None]
    assert len(wins) == 1, results
    assert all(isinstance(e, (Conflict, WrongState)) for e in losses), losses
    assert all(e.status == 409 for e in losses)
    return results.index(next(r for r in results if r[1] is None))


def test_two_handlers_signing_at_once_exactly_one_succeeds(cast):
    second = add_user("handler2", (R.HANDLER, None, cast.community_unit))
    appeal = cast.appeal_in(S.DISPATCHED)
    h1, h2 = member(cast, "handler"), type(second).objects.get(pk=second.pk)
    winner = one_winner(race(lambda: services.sign_for(appeal, actor=h1),
                             lambda: services.sign_for(appeal, actor=h2)))
    appeal.refresh_from_db()
    assert appeal.status == S.SIGNED
    (sign,) = AppealEvent.objects.filter(appeal=appeal, action="sign")
    assert sign.actor_id == (h1, h2)[winner].pk


def test_a_reply_racing_a_return_leaves_one_of_them(cast):
    second = add_user("handler2", (R.HANDLER, None, cast.community_unit))
    appeal = cast.appeal_in(S.SIGNED)
    h1, h2 = member(cast, "handler"), type(second).objects.get(pk=second.pk)
    winner = one_winner(race(
        lambda: services.reply(appeal, actor=h1, result="resolved", content="已维修"),
        lambda: services.return_to_dispatcher(appeal, actor=h2, reason="应由物业维修"),
    ))
    appeal.refresh_from_db()
    assert appeal.status == (S.REPLIED, S.RETURNED)[winner]
    assert AppealEvent.objects.filter(appeal=appeal, action__in=["reply", "return"]).count() == 1


def test_two_dispatchers_dispatching_at_once_exactly_one_succeeds(cast):
    second = add_user("dispatcher2", (R.DISPATCHER, cast.town, None))
    appeal = cast.appeal_in(S.REGISTERED)
    d1, d2 = member(cast, "dispatcher"), type(second).objects.get(pk=second.pk)
    units = (cast.community_unit, cast.department)
    winner = one_winner(race(
        lambda: services.dispatch(appeal, actor=d1, unit=units[0].pk, co_units=[cast.property.pk]),
        lambda: services.dispatch(appeal, actor=d2, unit=units[1].pk),
    ))
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.unit == units[winner]
    assert list(appeal.co_units.all()) == ([cast.property] if winner == 0 else [])
    assert AppealEvent.objects.filter(appeal=appeal, action="dispatch").count() == 1


def test_twenty_intakes_with_one_idempotency_key_create_one_request(cast):
    resident = member(cast, "resident")
    data = cast.intake_data()

    def submit():
        user = type(resident).objects.get(pk=resident.pk)
        return services.create_appeal(dict(data), actor=user, channel="api", idempotency_key="retry-7f3a")

    results = race(*[submit for _ in range(20)])
    assert [error for _value, error in results if error is not None] == []
    assert len({appeal.pk for (appeal, _created), _error in results}) == 1
    assert sum(created for (_appeal, created), _error in results) == 1
    assert Appeal.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert AppealEvent.objects.filter(action="submit").count() == 1


def test_fifty_intakes_on_one_day_get_fifty_distinct_tracking_numbers(cast):
    resident = member(cast, "resident")

    def submit():
        user = type(resident).objects.get(pk=resident.pk)
        return services.create_appeal(cast.intake_data(), actor=user)[0].tracking_no

    results = race(*[submit for _ in range(50)])
    assert [error for _value, error in results if error is not None] == []
    numbers = {value for value, _error in results}
    assert len(numbers) == 50 and all(re.fullmatch(r"HBY-\d{8}-[2-9A-HJ-NP-Z]{6}", n) for n in numbers)
    assert Appeal.objects.count() == 50
