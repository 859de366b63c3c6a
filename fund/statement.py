"""A fund's yearly statement (年度收支表) and its ledger as an Excel workbook: the
opening balance, what came in (donations by kind of donor, advances), what went
out (expenditures by project, repayments), the reversals, and the closing
balance, which is the opening balance plus the year's entries. The workbook's
amounts are numbers (two decimals, yuan), never text; the donors appear as the
public sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import CENT, Account, DonorKind, Entry, Fund, Line

K = Entry.Kind
ZERO = Decimal("0.00")
YUAN = "#,##0.00"


@dataclass
class Statement:
    fund: Fund
    year: int
    opening: Decimal = ZERO
    closing: Decimal = ZERO
    donations: Decimal = ZERO
    donation_count: int = 0
    donors_by_kind: list[tuple[str, int, Decimal]] = field(default_factory=list)  # (label, count, total)
    advances: Decimal = ZERO
    spending: Decimal = ZERO  # expenditures, as a positive amount
    by_project: list[tuple[str, Decimal]] = field(default_factory=list)
    repayments: Decimal = ZERO
    reversals: Decimal = ZERO  # signed: their effect on the balance
    owed_at_end: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.closing - self.opening


def years_of(fund: Fund) -> list[int]:
    first = fund.opened_on.year
    last = max(timezone.localdate().year, first)
    return list(range(last, first - 1, -1))


def _sum(value) -> Decimal:
    """An aggregate's sum as yuan with two places (SQLite gives 2000 for 2000.00), 0.00 for none."""
    return (value or ZERO).quantize(CENT)


def statement(fund: Fund, year: int) -> Statement:
    """The year's statement: by each entry's date (`on`)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    s = Statement(fund, year)
    entries = Entry.objects.filter(fund=fund)
    s.opening = _sum(entries.filter(on__lt=start).aggregate(t=Sum("amount"))["t"])
    year_entries = entries.filter(on__gte=start, on__lte=end)
    totals = {row["kind"]: row for row in year_entries.values("kind").annotate(t=Sum("amount"), n=Count("id"))}

    def total(kind) -> Decimal:
        return _sum(totals.get(kind, {}).get("t"))

    s.donations, s.donation_count = total(K.DONATION), totals.get(K.DONATION, {}).get("n", 0)
    s.advances, s.spending = total(K.ADVANCE), -total(K.EXPENDITURE)
    s.repayments, s.reversals = -total(K.REPAYMENT), total(K.REVERSAL)
    s.closing = s.opening + sum((row["t"] for row in totals.values()), ZERO)
    labels = dict(DonorKind.choices)
    s.donors_by_kind = [(str(labels.get(row["donor_kind"], row["donor_kind"])), row["n"], _sum(row["t"]))
                        for row in year_entries.filter(kind=K.DONATION).values("donor_kind")
                        .annotate(t=Sum("amount"), n=Count("id")).order_by("donor_kind")]
    spent = (year_entries.filter(kind=K.EXPENDITURE).values("project__title").annotate(t=Sum("amount"))
             .order_by("project__title"))
    s.by_project = [(row["project__title"] or _("Not for a project"), -_sum(row["t"])) for row in spent if row["t"]]
    owed = Line.objects.filter(fund=fund, account=Account.ADVANCES, entry__on__lte=end).aggregate(t=Sum("amount"))
    s.owed_at_end = -_sum(owed["t"])
    return s


def running(fund: Fund, entries: list[Entry]) -> list[tuple[Entry, Decimal]]:
    """Each of `entries` (in number order) with the balance after it was posted."""
    if not entries:
        return []
    balance = _sum(Entry.objects.filter(fund=fund, number__lt=entries[0].number).aggregate(t=Sum("amount"))["t"])
    out = []
    for entry in entries:
        balance += entry.amount
        out.append((entry, balance))
    return out


def counterparty(entry: Entry) -> str:
    return entry.public_donor if entry.kind == K.DONATION else entry.counterparty


def workbook(fund: Fund, year: int) -> bytes:
    """The year's ledger (明细账) and statement (年度收支表) in one .xlsx."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")[:31]
    sheet.append([f"{fund.name} · {year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Exported at %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}])
    sheet.append([])
    header = [_("No."), _("Date"), _("Kind"), _("Purpose"), _("Project"), _("Donor / paid to"), _("In"), _("Out"),
              _("Balance"), _("Reverses entry"), _("Receipt number")]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    entries = list(Entry.objects.filter(fund=fund, on__year=year).select_related("project", "reverses")
                   .order_by("number"))
    for entry, balance in running(fund, entries):
        sheet.append([
            entry.number, entry.on, entry.get_kind_display(), entry.purpose,
            entry.project.title if entry.project_id else "", counterparty(entry),
            entry.amount if entry.amount > 0 else None, -entry.amount if entry.amount < 0 else None, balance,
            entry.reverses.number if entry.reverses_id else None, entry.receipt_no,
        ])
        row = sheet.max_row
        sheet.cell(row, 2).number_format = "yyyy-mm-dd"
        for column in (7, 8, 9):
            sheet.cell(row, column).number_format = YUAN
    for letter, width in zip("ABCDEFGHIJK", (6, 12, 12, 36, 20, 20, 13, 13, 14, 10, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    _statement_sheet(book.create_sheet(_("Statement")[:31]), statement(fund, year))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _statement_sheet(sheet, s: Statement) -> None:
    sheet.append([_("%(fund)s: statement of %(year)s") % {"fund": s.fund.name, "year": s.year}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    rows: list[tuple[str, Decimal | None, bool]] = [(_("Opening balance"), s.opening, True),
                                                    (_("Donations"), s.donations, True)]
    rows += [(f"　{label}（{count}）", amount, False) for label, count, amount in s.donors_by_kind]
    rows += [(_("Advances received"), s.advances, True), (_("Expenditures"), -s.spending, True)]
    rows += [(f"　{title}", -amount, False) for title, amount in s.by_project]
    rows += [(_("Advances repaid"), -s.repayments, True), (_("Reversals"), s.reversals, True),
             (_("Closing balance"), s.closing, True), (_("Advances still owed"), s.owed_at_end, True)]
    for label, amount, bold in rows:
        sheet.append([label, amount])
        row = sheet.max_row
        sheet.cell(row, 2).number_format = YUAN
        sheet.cell(row, 2).alignment = Alignment(horizontal="right")
        if bold:
            sheet.cell(row, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 16
