"""The ledger underneath a fund: every posting is an `Entry` with two or more
`Line`s that add up to zero, written on the locked fund row, so that two
postings at once are made one after the other and the balance is always the
cash account's total. Nothing here edits or deletes a posted row.

Each kind of entry debits one account and credits another:

| kind        | debit (+)  | credit (−)  | balance |
|-------------|------------|-------------|---------|
| donation    | cash       | donations   | up      |
| expenditure | spending   | cash        | down    |
| advance     | cash       | advances    | up      |
| repayment   | advances   | cash        | down    |
| reversal    | the reversed entry's lines, negated      |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals.errors import Invalid, WrongState
from hubiying import tokens

from .models import CENT, MAX_DIGITS, Account, Entry, Fund, Line

K = Entry.Kind
A = Account
ZERO = Decimal("0.00")
LARGEST = Decimal(10) ** (MAX_DIGITS - 2) - CENT

SIDES = {  # kind → (debited, credited)
    K.DONATION: (A.CASH, A.DONATIONS),
    K.EXPENDITURE: (A.SPENDING, A.CASH),
    K.ADVANCE: (A.CASH, A.ADVANCES),
    K.REPAYMENT: (A.ADVANCES, A.CASH),
}


def clean_amount(value, field: str = "amount") -> Decimal:
    """A positive amount of yuan with at most two decimal places, from a Decimal
    or a string ("1,234.50" and "１２３" taken); never a float."""
    if isinstance(value, float):
        raise TypeError("amounts are never floats")
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "").translate(FULL_WIDTH)
        if value.endswith("元"):
            value = value[:-1].strip()
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise Invalid(_("Enter an amount in yuan, such as 1200 or 35.50."), field=field) from None
    if not amount.is_finite():
        raise Invalid(_("Enter an amount in yuan, such as 1200 or 35.50."), field=field)
    if amount != amount.quantize(CENT):
        raise Invalid(_("An amount has at most two decimal places (fen)."), field=field)
    if amount <= 0:
        raise Invalid(_("The amount must be more than zero."), field=field)
    if amount > LARGEST:
        raise Invalid(_("The amount is too large."), field=field)
    return amount.quantize(CENT)


FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def advances_owed(fund: Fund) -> Decimal:
    """What the fund still owes those who advanced it money."""
    total = Line.objects.filter(fund=fund, account=A.ADVANCES).aggregate(s=Sum("amount"))["s"] or ZERO
    return -total.quantize(CENT)


@transaction.atomic
def post(fund: Fund | int, kind: str, amount: Decimal, *, by, on: date, purpose: str, **fields) -> Entry:
    """Posts one entry of `kind` (not a reversal) for `amount` (positive) on the
    locked fund; refused when the balance would go below zero, or a repayment
    would repay more than is owed."""
    if kind not in SIDES:
        raise ValueError(kind)
    amount = clean_amount(amount)
    locked = _lock(fund)
    debit, credit = SIDES[kind]
    change = amount if debit == A.CASH else -amount
    if kind == K.REPAYMENT and amount > (owed := advances_owed(locked)):
        raise Invalid(_("The fund owes %(owed)s yuan of advances: it cannot repay more.") % {"owed": owed},
                      code="more_than_owed", field="amount")
    return _write(locked, kind, change, [(debit, amount), (credit, -amount)], posted_by=by, on=on,
                  purpose=purpose, **fields)


@transaction.atomic
def reverse(entry: Entry, *, by, reason: str) -> Entry:
    """Posts the reversal of `entry`: its lines negated, pointing at it. An entry is
    reversed once; a reversal is not reversed (post the right entry instead)."""
    locked = _lock(entry.fund_id)
    entry = Entry.objects.get(pk=entry.pk)
    if entry.kind == K.REVERSAL:
        raise WrongState(_("A reversal is not reversed: post the right entry instead."), code="is_reversal")
    if Entry.objects.filter(reverses=entry).exists():
        raise WrongState(_("This entry has been reversed already."), code="reversed")
    if entry.kind == K.ADVANCE and -entry.amount + advances_owed(locked) < 0:
        raise WrongState(_("Part of this advance has been repaid: reverse the repayments first."),
                         code="advance_repaid")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the entry is reversed."), field="reason")
    lines = [(line.account, -line.amount) for line in entry.lines.all()]
    with translation.override(settings.LANGUAGE_CODE):  # the ledger's own words are in the platform's language
        purpose = _("Reversal of entry %(number)s: %(reason)s") % {"number": entry.number, "reason": reason}
    return _write(locked, K.REVERSAL, -entry.amount, lines, posted_by=by, on=timezone.localdate(),
                  purpose=purpose[:200], reverses=entry, project=entry.project)


def _lock(fund: Fund | int) -> Fund:
    pk = fund.pk if isinstance(fund, Fund) else fund
    return Fund.objects.select_for_update().get(pk=pk)


def _write(fund: Fund, kind: str, change: Decimal, lines: list[tuple[str, Decimal]], **fields) -> Entry:
    assert sum(amount for _, amount in lines) == 0, lines
    balance = fund.balance + change
    if balance < 0:
        raise Invalid(_("The fund holds %(balance)s yuan: this would take it below zero. Spending more needs "
                        "an approved advance first.") % {"balance": fund.balance},
                      code="insufficient_balance", field="amount")
    number = fund.entries_posted + 1
    if kind == K.DONATION and not fields.get("receipt_no"):
        fields["receipt_no"] = f"WJJ{fields['on']:%Y}{number:05d}"  # 微基金, the year, the entry
    entry = Entry.objects.create(fund=fund, number=number, kind=kind, amount=change, posted_at=timezone.now(),
                                 **fields)
    Line.objects.bulk_create([Line(entry=entry, fund=fund, account=account, amount=amount)
                              for account, amount in lines])
    # The fund row is the only one a posting changes (and it is locked): its total and its counter.
    Fund.objects.filter(pk=fund.pk).update(balance=balance, entries_posted=number)
    fund.balance, fund.entries_posted = balance, number
    return entry


# --- Reconciliation ------------------------------------------------------------------------------

@dataclass
class Difference:
    fund: Fund
    what: str

    def __str__(self) -> str:
        return f"{self.fund.node.code} {self.fund.name}: {self.what}"


def reconcile(funds=None) -> list[Difference]:
    """Recomputes every fund's balance from its lines and checks each entry: its lines add
    up to zero and its cash line is its amount; the entries' numbers run 1, 2, … The
    differences found (none: the ledger is sound)."""
    funds = list((funds if funds is not None else Fund.objects.all()).select_related("node"))
    ids = [f.pk for f in funds]
    cash = dict(Line.objects.filter(fund__in=ids, account=A.CASH).values_list("fund").annotate(s=Sum("amount"))
                .values_list("fund", "s"))
    counts = dict(Entry.objects.filter(fund__in=ids).values_list("fund").annotate(n=Count("id"))
                  .values_list("fund", "n"))
    problems = []
    for fund in funds:
        total = cash.get(fund.pk) or ZERO
        if total != fund.balance:
            problems.append(Difference(fund, f"balance {fund.balance:.2f} but the cash lines add up to {total:.2f}"))
        if counts.get(fund.pk, 0) != fund.entries_posted:
            problems.append(Difference(fund, f"{fund.entries_posted} entries counted, {counts.get(fund.pk, 0)} found"))
    unbalanced = (Line.objects.filter(fund__in=ids).values("entry", "entry__fund", "entry__number")
                  .annotate(s=Sum("amount")).exclude(s=0))
    by_id = {f.pk: f for f in funds}
    for row in unbalanced:
        problems.append(Difference(by_id[row["entry__fund"]], f"entry {row['entry__number']}'s lines add up to "
                                                              f"{row['s']}, not 0"))
    cash_lines = dict(Line.objects.filter(fund__in=ids, account=A.CASH).values_list("entry").annotate(
        s=Sum("amount")).values_list("entry", "s"))
    for entry in Entry.objects.filter(fund__in=ids).only("id", "fund", "number", "amount"):
        if cash_lines.get(entry.pk, ZERO) != entry.amount:
            problems.append(Difference(by_id[entry.fund_id], f"entry {entry.number} says {entry.amount} but its "
                                                             f"cash line is {cash_lines.get(entry.pk, ZERO)}"))
    return problems


# --- Removing a fund's ledger (the demo's reload only) -------------------------------------------

def wipe(funds) -> None:
    """Deletes the ledgers of `funds` — for the demo county's reload, never for a real fund.
    The database refuses a deletion of entries otherwise (PostgreSQL's trigger)."""
    ids = [f.pk for f in funds]
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL hubiying.fund_wipe = 'on'")
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM fund_line WHERE fund_id IN ({marks})", ids)
        # Reversals first: they point at the entries they undo.
        cursor.execute(f"DELETE FROM fund_entry WHERE fund_id IN ({marks}) AND reverses_id IS NOT NULL", ids)
        cursor.execute(f"DELETE FROM fund_entry WHERE fund_id IN ({marks})", ids)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL hubiying.fund_wipe = 'off'")


def receipt_token(entry: Entry) -> str:
    """The secret of a donation's receipt link (nothing stored: a keyed hash of the entry)."""
    return tokens.make("fund-receipt", f"{entry.fund_id}:{entry.pk}")
