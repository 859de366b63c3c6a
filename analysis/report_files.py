"""The 运行通报 as a page (/work/figures/report/), Word (.docx, python-docx) and
Excel (.xlsx, openpyxl).

All three render an `analysis.reports.Report` and nothing else: the numbers are those
of the page. Word gets the look of a 通报: a centred title in 宋体, headings in
黑体, the text in 仿宋 (set as East Asian fonts, which Word uses for Chinese),
tables with a repeated, bold header row.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from appeals.errors import Forbidden
from hubiying.replica import reads_replica

from . import access
from .exports import XLSX, exported_at
from .figures import EARLIEST, Query
from .privacy import printable
from .reports import KINDS, Percent, Report, build, kind_label, recent
from .views import scope_choices

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT = "宋体", "黑体", "仿宋", "宋体"


def cell_text(value) -> str:
    """A cell as the page and Word show it."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return printable("\n".join(str(v) for v in value))
    return printable(str(value))


def filename(report: Report, ext: str) -> str:
    return f"hubiying-report-{report.period.kind}-{report.period.key}-{report.scope.key}.{ext}"


# --- Word ---------------------------------------------------------------------------

def _fonts(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Sets a style's or a run's font for Latin and East Asian text alike (no theme fonts)."""
    font = target.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    r_pr = target.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _docx_table(doc, table) -> None:
    caption = doc.add_paragraph()
    _fonts(caption.add_run(table.caption), HEADING_FONT, 12)
    if not table.rows:
        doc.add_paragraph(_("None."))
        return
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(text), TABLE_FONT, 10, bold=True)
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run(cell_text(value)), TABLE_FONT, 10)
            if isinstance(value, int | float | Percent) and not isinstance(value, bool):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_bytes(report: Report) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)
    _fonts(doc.styles["Normal"], BODY_FONT, 12)
    for style in ("Title", "Heading 1"):
        _fonts(doc.styles[style], HEADING_FONT)
    doc.core_properties.title = report.title
    doc.core_properties.author = "呼必应 Hubiying"

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(title.add_run(report.title), TITLE_FONT, 20, bold=True)
    line = doc.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(line.add_run(report.scope_line), BODY_FONT, 11)

    for part in report.sections:
        heading = doc.add_heading(level=1)
        _fonts(heading.add_run(part.heading), HEADING_FONT, 15, bold=True)
        for text in part.paragraphs:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)
            _fonts(paragraph.add_run(text), BODY_FONT, 12)
        for table in part.tables:
            _docx_table(doc, table)
    heading = doc.add_heading(level=1)
    _fonts(heading.add_run(_("Notes")), HEADING_FONT, 13, bold=True)
    for note in report.notes:
        _fonts(doc.add_paragraph().add_run(note), BODY_FONT, 10.5)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- Excel --------------------------------------------------------------------------

def _xlsx_value(value):
    if isinstance(value, list):
        return printable("\n".join(str(v) for v in value))
    if isinstance(value, Percent):
        return float(value)
    return "—" if value is None else printable(value)


def xlsx_bytes(report: Report) -> bytes:
    """One sheet per section; title rows with the scope, the period and the export time as the dashboard's
    tables (analysis.exports.workbook) have; percentages are numbers with a % column header."""
    book = Workbook()
    book.remove(book.active)
    stamp = exported_at()
    subtitle = f"{report.scope.name} · {report.period.start} — {report.period.end}"
    for part in report.sections:
        sheet = book.create_sheet(part.heading[:31].replace("/", " "))
        sheet.append([report.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([subtitle])
        sheet.append([stamp])
        sheet.append([])
        sheet.append([part.heading])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        for text in part.paragraphs:
            sheet.append([text])
        widths: dict[int, int] = {}
        for table in part.tables:
            sheet.append([])
            sheet.append([table.caption])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.append(table.header)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for row in table.rows:
                sheet.append([_xlsx_value(v) for v in row])
                for i, value in enumerate(row, 1):
                    if isinstance(value, Percent):
                        sheet.cell(sheet.max_row, i).number_format = '0.0"%"'
                    if isinstance(value, list):
                        sheet.cell(sheet.max_row, i).alignment = Alignment(wrap_text=True, vertical="top")
                        widths[i] = 40
        sheet.column_dimensions["A"].width = 30
        for i in range(2, max((len(t.header) for t in part.tables), default=1) + 1):
            sheet.column_dimensions[get_column_letter(i)].width = widths.get(i, 12)
    notes = book.create_sheet(_("Notes")[:31])
    notes.append([report.title])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([subtitle])
    notes.append([stamp])
    notes.append([])
    for note in report.notes:
        notes.append([note])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def file_bytes(report: Report, ext: str) -> bytes:
    return docx_bytes(report) if ext == "docx" else xlsx_bytes(report)


# --- The page -----------------------------------------------------------------------

def _html_sections(report: Report) -> list[dict]:
    """The sections with each cell as text (or lines), numbers marked to align right."""
    out = []
    for part in report.sections:
        tables = []
        for table in part.tables:
            rows = [[{"lines": v} if isinstance(v, list) else
                     {"text": cell_text(v), "num": isinstance(v, int | float) and not isinstance(v, bool)}
                     for v in row] for row in table.rows]
            numeric = [bool(c.get("num")) for c in rows[0]] if rows else [False] * len(table.header)
            header = [{"text": h, "num": n} for h, n in zip(table.header, numeric, strict=True)]
            tables.append({"key": table.key, "caption": table.caption, "header": header, "rows": rows})
        out.append({"key": part.key, "heading": part.heading, "paragraphs": part.paragraphs, "tables": tables})
    return out


def _choices(request):
    """The scope, kind, period and format asked for. What cannot be understood falls back to
    the default with a message; a scope out of reach is refused for a file (403)."""
    user, params, problems = request.user, request.GET, []
    fmt = params.get("format") or None
    scope, refused = access.scope_or_own(params.get("scope") or None, user)
    if refused is not None:
        if fmt and isinstance(refused, Forbidden):  # a file of another scope than asked: never
            raise PermissionDenied from refused
        problems.append(str(refused))
    kind = params.get("kind") or "month"
    if kind not in KINDS:
        problems.append(_("There is no such kind of report (week, month or quarter): showing the monthly one."))
        kind = "month"
    at, raw = None, params.get("at")
    if raw and params.get("shown", kind) == kind:  # the kind just changed: its last complete period
        try:
            at = date.fromisoformat(raw)
        except ValueError:
            problems.append(_("The period could not be read (YYYY-MM-DD): showing the last complete one."))
        else:
            if not EARLIEST <= at <= timezone.localdate():
                problems.append(_("There is no report for that period yet: showing the last complete one."))
                at = None
    if fmt not in (None, "docx", "xlsx"):
        problems.append(_("The file can be .docx or .xlsx."))
        fmt = None
    return scope, kind, at, fmt, problems


def _period_option(period) -> str:
    """A week's option names its days too (2026年第48周 · 11-23—11-29)."""
    if period.kind != "week":
        return period.label
    return f"{period.label} · {period.start:%m-%d}—{period.end:%m-%d}"


@login_required
@reads_replica
def report_page(request):
    if not access.is_reader(request.user):
        raise PermissionDenied
    scope, kind, at, fmt, problems = _choices(request)
    report = build(scope, kind, at)
    if fmt and not problems:
        response = HttpResponse(file_bytes(report, fmt), content_type=content_type(fmt))
        response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
        return response
    periods = recent(kind, timezone.localdate())
    if report.period not in periods:
        periods.insert(0, report.period)
    context = {
        "report": report, "sections": _html_sections(report), "problems": problems,
        "scopes": scope_choices(request.user, Query(scope)), "kinds": [(k, kind_label(k)) for k in KINDS],
        "kind": kind, "periods": [(p.key, _period_option(p)) for p in periods],
        "params": f"scope={scope.key}&kind={kind}&at={report.period.key}",
    }
    return render(request, "analysis/report.html", context, status=400 if request.GET.get("format") else 200)


def content_type(ext: str) -> str:
    return DOCX if ext == "docx" else XLSX


__all__ = ["docx_bytes", "xlsx_bytes", "file_bytes", "filename", "content_type", "cell_text", "report_page"]
