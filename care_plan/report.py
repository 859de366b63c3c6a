"""The figures as the federation's monthly report (一人一案工作月报表) in
Excel: a title, the reporting unit and period, a two-row header grouping the
columns as the report does, one line a community, the total, and the lines
for who filled it in. Counts are whole numbers and the support a numeric cell
in yuan with two places (never text, never a float)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .figures import Figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN = '"¥"#,##0.00'
COLUMNS = ("visits", "visited", "devices", "rehab_people", "rehab_sessions", "job_fairs", "fair_attendance",
           "placements", "accessibility", "households", "support")


def _groups() -> list[tuple[str, list[str]]]:
    """The header: (group, its columns), in the order of COLUMNS."""
    return [
        (_("Home visits"), [_("Visits"), _("People")]),
        (_("Assistive devices"), [_("Fitted")]),
        (_("Rehabilitation"), [_("People"), _("Sessions")]),
        (_("Employment"), [_("Job fairs"), _("Attendances"), _("Newly employed")]),
        (_("Home accessibility"), [_("Homes")]),
        (_("Visits with support"), [_("Households"), _("Support (yuan)")]),
    ]


def workbook(scope_name: str, period: str, total: Figures, rows: list[Figures]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Monthly report")[:31]
    width = len(COLUMNS) + 1
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    last = get_column_letter(width)

    sheet.append([_("One person, one plan: monthly report")])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_("Reporting unit: %(unit)s") % {"unit": scope_name}, None, None, None, None, None,
                  _("Period: %(period)s") % {"period": period}])
    sheet.append([_("Exported at %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}])
    sheet.append([])

    top, sub = [_("Community")], [None]
    for group, columns in _groups():
        top += [group] + [None] * (len(columns) - 1)
        sub += columns
    sheet.append(top)  # row 5
    sheet.append(sub)  # row 6
    sheet.merge_cells("A5:A6")
    col = 2
    for _group, columns in _groups():
        if len(columns) > 1:
            sheet.merge_cells(start_row=5, start_column=col, end_row=5, end_column=col + len(columns) - 1)
        col += len(columns)
    for r in (5, 6):
        for c in range(1, width + 1):
            cell = sheet.cell(row=r, column=c)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box

    def line(f: Figures, label: str, bold: bool = False) -> None:
        sheet.append([label, *[getattr(f, name) for name in COLUMNS]])
        r = sheet.max_row
        for c in range(1, width + 1):
            cell = sheet.cell(row=r, column=c)
            cell.border = box
            if bold:
                cell.font = Font(bold=True)
        sheet.cell(row=r, column=width).number_format = YUAN

    for f in rows:
        line(f, f.node.name)
    line(total, _("Total"), bold=True)
    sheet.append([])
    sheet.append([_("Filled in by:"), None, None, None, _("Checked by:"), None, None, None, _("Date:")])

    sheet.column_dimensions["A"].width = 22
    for c in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 10
    sheet.column_dimensions[last].width = 16
    sheet.freeze_panes = "B7"
    sheet.page_setup.orientation = "landscape"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def response(scope_name: str, period: str, total: Figures, rows: list[Figures]) -> HttpResponse:
    body = workbook(scope_name, period, total, rows)
    reply = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    reply["Content-Disposition"] = f'attachment; filename="hubiying-care-plans-{stamp}.xlsx"'
    return reply
