"""The dashboard's tables as Excel files: the same figures, with the scope,
the period and the time of export in the title rows."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from appeals.templatetags.hby import category_name

from .figures import RATES
from .summary import figures_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_COUNTS = ("received", "replied", "replied_on_time", "closed", "dispatched", "returns", "evaluated",
                "satisfied", "basically", "dissatisfied")
TABLE_RATES = ("reply_rate", "on_time_rate", "satisfaction_rate", "on_time_sign_rate", "response_rate",
               "return_rate", "reopen_rate")


def column_label(name: str) -> str:
    return {
        "received": _("Received"), "registered": _("Registered"), "rejected": _("Rejected"),
        "replied": _("Replied"), "replied_on_time": _("Replied on time"), "closed": _("Closed"),
        "withdrawn": _("Withdrawn"), "merged": _("Merged"), "dispatched": _("Dispatched"),
        "signed": _("Signed for"), "signed_on_time": _("Signed on time"), "returns": _("Returned"),
        "extensions": _("Extensions"), "reopenings": _("Reopenings"), "reopened": _("Reopened"),
        "evaluated": _("Evaluated"), "satisfied": _("Satisfied"), "basically": _("Basically satisfied"),
        "dissatisfied": _("Dissatisfied"), "resolved": _("Resolved"), "on_the_spot": _("Handled on the spot"),
        "callbacks": _("Call-backs"), "co_parts": _("Co-unit parts"), "co_replied": _("Co-unit replies"),
        "response_due": _("Due for response"), "responded_on_time": _("Responded on time"),
        "urgent": _("Urgent"), "handled": _("Handled"),
        "reply_rate": _("Reply rate"), "on_time_sign_rate": _("Signed on time"), "response_rate": _("Response rate"),
        "on_time_rate": _("Replied on time"), "satisfaction_rate": _("Satisfaction"),
        "resolution_rate": _("Resolution rate"), "reopen_rate": _("Reopen rate"), "return_rate": _("Return rate"),
        "direct_rate": _("Handled on the spot"),
    }.get(name, name)


def exported_at() -> str:
    """The title row every Excel file of the figures carries."""
    return _("Exported at %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}


def period_label(period) -> str:
    if period.start is None and period.end is None:
        return _("everything")
    return f"{period.start or '…'} — {period.end or '…'}"


def workbook(title: str, subtitle: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([subtitle])
    sheet.append([exported_at()])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 28
    for i in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 11
    sheet.freeze_panes = "B6"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def table_rows(rows: list[dict]) -> tuple[list[str], list[list]]:
    """Header and rows of a ranking: counts, then each rate as percent, numerator, denominator."""
    header = [_("Unit or area"), *[column_label(c) for c in TABLE_COUNTS]]
    for r in TABLE_RATES:
        header += [f"{column_label(r)} (%)", _("numerator"), _("denominator")]
    out = []
    for row in rows:
        f = row["f"]
        line = [row["label"], *[f[c] for c in TABLE_COUNTS]]
        for r in TABLE_RATES:
            rate = f["rates"][r]
            line += [rate["percent"] if rate["percent"] is not None else "—", rate["numerator"], rate["denominator"]]
        out.append(line)
    return header, out


def table_response(kind: str, query, period, *, by_unit, by_area, categories, choice) -> HttpResponse:
    if kind == "categories":
        rows = [{"label": category_name(cat) or "?", "f": figures_of(c, choice)} for cat, c in categories]
        title = _("Requests by category")
    elif kind == "areas":
        rows, title = by_area, _("Areas ranked")
    else:
        rows, title = by_unit, _("Units ranked")
    header, lines = table_rows(rows)
    subtitle = f"{query.scope.name} · {period_label(period)}"
    body = workbook(title, subtitle, header, lines)
    response = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hubiying-{kind}-{stamp}.xlsx"'
    return response


def life_response(query, period, total, rows) -> HttpResponse:
    """Community life (events, volunteer hours, care orders, meals) per community, as Excel."""
    from .life import table

    header, lines = table(total, rows)
    body = workbook(_("Community life"), f"{query.scope.name} · {period_label(period)}", header, lines)
    response = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hubiying-community-life-{stamp}.xlsx"'
    return response


def care_plan_response(query, period, total, rows) -> HttpResponse:
    """一人一案 per community, as the federation's monthly report (care_plan.report)."""
    from care_plan import report

    return report.response(query.scope.name, period_label(period), total, rows)


__all__ = ["table_response", "life_response", "care_plan_response", "column_label", "workbook", "RATES"]
