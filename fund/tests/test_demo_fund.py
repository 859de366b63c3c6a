"""demo/fund.py on the real demo tree and accounts: a year of a community's
micro-fund posted through the services — 38,000 yuan given, the square, the
lights and the equipment paid for, an advance and its repayment, a reversed
mistake, one proposal turned down and one waiting — that reconciles, and that
a reload replaces."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from demo import build
from demo import fund as demo_fund
from fund import ledger
from fund.models import Entry, Fund, Proposal
from organisations.models import Node

pytestmark = pytest.mark.django_db


def make_demo() -> build.Demo:
    demo = build.Demo()
    build.build_tree(demo)
    build.build_units(demo)
    build.build_accounts(demo, "demo", random.Random(1))
    build.build_places(demo, random.Random(2))  # the station whose community the demo's community staff keep
    return demo


def test_the_demo_fund_holds_what_its_year_adds_up_to():
    demo = make_demo()
    today = timezone.localdate()
    figures = demo_fund.build(demo, random.Random(7), today)
    fund = Fund.objects.get()
    assert fund.node.name == "宁边路社区" and figures == {"funds": 1, "entries": 23, "proposals": 9}
    entries = Entry.objects.filter(fund=fund)
    given = entries.filter(kind="donation").aggregate(t=Sum("amount"))["t"]
    reversed_ = entries.filter(kind="reversal").aggregate(t=Sum("amount"))["t"]
    assert given - Decimal("5000.00") == Decimal("38000.00") and reversed_ == Decimal("-5000.00")  # the mistake
    assert fund.balance == Decimal("6859.50") and ledger.advances_owed(fund) == 0
    assert ledger.reconcile() == []
    assert entries.filter(anonymous=True).count() == 4
    assert Proposal.objects.filter(state="proposed").count() == 1
    assert Proposal.objects.filter(state="rejected").count() == 1
    # Each approval by the other member of the committee, never the proposer.
    for entry in entries.filter(proposal__isnull=False).select_related("proposal"):
        assert entry.approved_by != entry.proposal.proposed_by
    assert entries.order_by("number").first().posted_at.date() < today - timedelta(days=360)
    assert not entries.filter(on__gt=today).exists()


def test_a_reload_replaces_the_demo_fund_and_lets_the_tree_go():
    demo = make_demo()
    today = timezone.localdate()
    demo_fund.build(demo, random.Random(7), today)
    roots = list(Node.objects.filter(code__in=build.ROOT_CODES, parent__isnull=True))
    demo_fund.wipe(roots)
    assert not Fund.objects.exists() and not Entry.objects.exists()
    demo_fund.build(demo, random.Random(7), today)
    assert Fund.objects.get().balance == Decimal("6859.50")
    build.wipe()
    assert not Fund.objects.exists() and not Node.objects.exists()
