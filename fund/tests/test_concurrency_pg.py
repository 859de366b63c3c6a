"""Postings at the same moment on PostgreSQL: the fund row is locked, so two
spendings that each fit the balance but not both are made one after the other —
one is posted, the other refused — and many donations at once all count."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from fund import ledger, services
from fund.models import Entry, Fund

from .conftest import give

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def run_at_once(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def work(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the refusal is the result
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_approvals_that_do_not_both_fit_the_balance(fund, staff, member):
    give(fund, staff, "1000.00")
    proposals = [services.propose(fund, by=staff, kind="expenditure", amount=Decimal("600.00"),
                                  on=timezone.localdate(), purpose=f"第{i}笔", counterparty="工程队") for i in (1, 2)]
    results = run_at_once([lambda p=p: services.approve(p, by=member) for p in proposals])
    posted = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if not isinstance(r, Entry)]
    assert len(posted) == 1 and len(refused) == 1 and getattr(refused[0], "code", "") == "insufficient_balance"
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("400.00")
    assert sorted(Entry.objects.values_list("number", flat=True)) == [1, 2]
    assert ledger.reconcile() == []


def test_two_committee_members_deciding_one_proposal_at_once(fund, staff, member, cast):
    third = cast.supervisor
    fund.committee.add(third)
    give(fund, staff, "1000.00")
    proposal = services.propose(fund, by=staff, kind="expenditure", amount=Decimal("100.00"),
                                on=timezone.localdate(), purpose="一笔", counterparty="工程队")
    results = run_at_once([lambda: services.approve(proposal, by=member), lambda: services.approve(proposal, by=third)])
    assert sum(isinstance(r, Entry) for r in results) == 1
    assert Entry.objects.filter(kind="expenditure").count() == 1


def test_many_donations_at_once_all_count(fund, staff):
    results = run_at_once([lambda i=i: give(fund, staff, f"{i}.25", donor=f"捐赠人{i}") for i in range(1, 9)])
    assert all(isinstance(r, Entry) for r in results), results
    assert Fund.objects.get(pk=fund.pk).balance == sum(Decimal(f"{i}.25") for i in range(1, 9))
    assert sorted(Entry.objects.values_list("number", flat=True)) == list(range(1, 9))
    assert ledger.reconcile() == []
