"""The ledger's invariants: every entry's lines add up to zero, the balance is the
cash lines' sum and never below zero, posted rows are never edited or deleted
(by the models, the query sets and the database), a correction is a reversal
that points at what it undoes, and the reconciliation finds any difference."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from appeals.errors import Invalid, WrongState
from fund import ledger
from fund.models import Account, Entry, Fund, Immutable, Line

from .conftest import give, spend


def reload(fund) -> Fund:
    return Fund.objects.get(pk=fund.pk)


@pytest.mark.parametrize("text, amount", [("1200", "1200.00"), ("35.5", "35.50"), ("1,234.56", "1234.56"),
                                          ("１２３．４", "123.40"), (" 88元 ", "88.00"), (Decimal("0.01"), "0.01")])
def test_amounts_are_exact_decimals(text, amount):
    assert ledger.clean_amount(text) == Decimal(amount)
    assert isinstance(ledger.clean_amount(text), Decimal)


@pytest.mark.parametrize("text, words", [("12.345", "两位小数"), ("0", "大于零"), ("-5", "大于零"),
                                         ("abc", "请输入金额"), ("NaN", "请输入金额"), ("1e20", "太大"),
                                         ("", "请输入金额")])
def test_bad_amounts_are_refused_in_chinese(text, words):
    with pytest.raises(Invalid) as refused:
        ledger.clean_amount(text)
    assert words in refused.value.detail


def test_a_float_is_never_an_amount():
    with pytest.raises(TypeError):
        ledger.clean_amount(12.5)


def test_a_donation_and_an_expenditure_are_two_balanced_lines_each(fund, staff, member):
    gift = give(fund, staff, "1000.00")
    paid = spend(fund, staff, member, "300.50")
    assert (gift.number, gift.amount, paid.number, paid.amount) == (1, Decimal("1000.00"), 2, Decimal("-300.50"))
    assert reload(fund).balance == Decimal("699.50")
    for entry in (gift, paid):
        lines = list(entry.lines.values_list("account", "amount"))
        assert len(lines) == 2 and sum(a for _, a in lines) == 0
        assert dict(lines)[Account.CASH] == entry.amount
    assert paid.approved_by == member and paid.proposal.state == "approved"
    assert ledger.reconcile() == []


def test_the_balance_never_goes_below_zero(fund, staff, member):
    give(fund, staff, "100.00")
    with pytest.raises(Invalid) as refused:
        spend(fund, staff, member, "100.01")
    assert refused.value.code == "insufficient_balance" and "垫支" in refused.value.detail
    assert reload(fund).balance == Decimal("100.00")
    assert Entry.objects.count() == 1 and fund.proposals.get().state == "proposed"  # nothing half-done


def test_the_database_refuses_a_negative_balance(fund):
    with pytest.raises(DatabaseError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(balance=Decimal("-1"))


def test_an_approved_advance_lets_the_fund_spend_more_and_is_repaid(fund, staff, member):
    give(fund, staff, "500.00")
    spend(fund, staff, member, "800.00", kind="advance", counterparty="花城社区居委会", purpose="垫支")
    assert ledger.advances_owed(fund) == Decimal("800.00")
    spend(fund, staff, member, "1200.00")
    assert reload(fund).balance == Decimal("100.00")
    with pytest.raises(Invalid) as refused:  # more than is owed
        ledger.post(fund, Entry.Kind.REPAYMENT, Decimal("900.00"), by=staff, on=fund.opened_on, purpose="还")
    assert refused.value.code == "more_than_owed"
    give(fund, staff, "700.00")
    spend(fund, staff, member, "800.00", kind="repayment", counterparty="花城社区居委会", purpose="归还垫支")
    assert ledger.advances_owed(fund) == 0 and reload(fund).balance == Decimal("0.00")
    assert ledger.reconcile() == []


def test_a_reversal_undoes_an_entry_once_and_points_at_it(fund, staff):
    wrong = give(fund, staff, "5000.00")
    reversal = ledger.reverse(wrong, by=staff, reason="金额录错")
    assert reversal.reverses == wrong and reversal.amount == Decimal("-5000.00") and reversal.kind == "reversal"
    assert "冲销第1笔" in reversal.purpose and "金额录错" in reversal.purpose
    assert reload(fund).balance == 0
    assert Entry.objects.get(pk=wrong.pk).amount == Decimal("5000.00")  # the wrong one stays as it was
    with pytest.raises(WrongState):
        ledger.reverse(wrong, by=staff, reason="again")
    with pytest.raises(WrongState):
        ledger.reverse(reversal, by=staff, reason="undo the undo")
    assert Entry.objects.count() == 2 and ledger.reconcile() == []


def test_a_reversal_that_would_take_the_balance_below_zero_is_refused(fund, staff, member):
    gift = give(fund, staff, "1000.00")
    spend(fund, staff, member, "800.00")
    with pytest.raises(Invalid):
        ledger.reverse(gift, by=staff, reason="退回")
    assert reload(fund).balance == Decimal("200.00") and not Entry.objects.filter(kind="reversal").exists()


def test_a_reversal_needs_a_reason(fund, staff):
    with pytest.raises(Invalid):
        ledger.reverse(give(fund, staff), by=staff, reason="  ")


def test_posted_entries_are_never_edited_or_deleted_through_the_models(fund, staff):
    entry = give(fund, staff, "10.00")
    entry.amount = Decimal("20.00")
    with pytest.raises(Immutable):
        entry.save()
    with pytest.raises(Immutable):
        entry.delete()
    with pytest.raises(Immutable):
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("20.00"))
    with pytest.raises(Immutable):
        Entry.objects.all().delete()
    with pytest.raises(Immutable):
        Line.objects.filter(entry=entry).update(amount=0)
    with pytest.raises(Immutable):
        entry.lines.first().delete()
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("10.00")


def test_the_database_refuses_to_edit_a_posted_row(fund, staff):
    entry = give(fund, staff, "10.00")
    for sql in ("UPDATE fund_entry SET amount = 99 WHERE id = %s",
                "UPDATE fund_line SET amount = 99 WHERE entry_id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("10.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the deletion trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_a_posted_row(fund, staff):
    entry = give(fund, staff, "10.00")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM fund_line WHERE entry_id = %s", [entry.pk])
    assert entry.lines.count() == 2


def test_reconciliation_finds_a_balance_that_is_not_the_sum_of_its_entries(fund, staff, capsys):
    give(fund, staff, "10.00")
    call_command("reconcile_funds")
    assert "every balance is the sum of its entries" in capsys.readouterr().out
    Fund.objects.filter(pk=fund.pk).update(balance=Decimal("12.00"))  # as a faulty script might
    problems = ledger.reconcile()
    assert [p.what for p in problems] == ["balance 12.00 but the cash lines add up to 10.00"]
    with pytest.raises(CommandError):
        call_command("reconcile_funds")
    assert "HTB-Z-HC" in capsys.readouterr().err


def test_the_wipe_removes_a_demo_ledger(fund, staff):
    give(fund, staff, "10.00")
    ledger.wipe([fund])
    assert not Entry.objects.exists() and not Line.objects.exists()
