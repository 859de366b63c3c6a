"""Two people moving the same plan item at once: one wins, the other is
refused (the row is locked, the second sees the first one's state), and one
step is written. Real concurrent PostgreSQL connections (SQLite serialises
writers), as care/tests/test_concurrency_pg.py."""

from __future__ import annotations

import pytest
from django.db import connection

from appeals.errors import WrongState
from appeals.tests.test_concurrency_pg import race
from care_plan import services
from care_plan.models import PlanItem, PlanStep

from .conftest import R, user_with

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent connections: set DATABASE_URL to a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]
S = PlanItem.State


@pytest.fixture
def second_worker(cast):
    return user_with("caseworker2", R.CASE_WORKER, cast.town)


def test_two_case_workers_finishing_the_same_item_at_once_one_wins(person, worker, second_worker):
    item = services.add_item(person, actor=worker, area="device", what="适配轮椅")
    services.move_item(item, "arrange", actor=worker, by_whom="县残联辅具中心")
    results = race(lambda: services.move_item(item, "finish", actor=worker),
                   lambda: services.move_item(item, "finish", actor=second_worker))
    wins = [value for value, error in results if error is None]
    losses = [error for _value, error in results if error is not None]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], WrongState) and losses[0].status == 409
    assert PlanItem.objects.get(pk=item.pk).state == S.DONE
    assert PlanStep.objects.filter(item=item, action="finish").count() == 1


def test_finishing_and_giving_up_at_once_never_both_happen(person, worker, second_worker):
    item = services.add_item(person, actor=worker, area="rehabilitation", what="康复训练")
    services.move_item(item, "arrange", actor=worker, by_whom="县残联康复中心")
    services.move_item(item, "start", actor=worker)
    results = race(lambda: services.move_item(item, "finish", actor=worker),
                   lambda: services.move_item(item, "cancel", actor=second_worker, note="已搬离"))
    assert sum(error is None for _value, error in results) == 1, results
    item = PlanItem.objects.get(pk=item.pk)
    assert item.state in (S.DONE, S.CANCELLED)
    assert list(item.steps.values_list("action", flat=True))[-1] in ("finish", "cancel")
    assert item.steps.filter(action__in=("finish", "cancel")).count() == 1
