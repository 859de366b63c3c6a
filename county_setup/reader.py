"""Reading an uploaded workbook into rows: each sheet found by its name, each
column by its header (in any order), cells made plain text or numbers. What
the rows mean is decided in `plan`."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .layout import SHEETS, Sheet, header_names, header_text, label_of, normal, sheet_titles

MAX_ROWS = 50_000  # per workbook: a county has a few thousand rows


class BadWorkbook(Exception):
    """The file is not a workbook the reader can open: nothing in it was read."""


@dataclass
class Row:
    number: int  # the row's number in Excel
    cells: dict[str, object]

    def text(self, key: str) -> str:
        return text(self.cells.get(key))


@dataclass
class SheetRows:
    sheet: Sheet
    rows: list[Row] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required headers not found
    found: bool = False


def text(value) -> str:
    """A cell as the text a person meant: 1.0 as '1', full-width digits as ASCII, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def count_rows(file) -> int:
    """About how many rows the workbook holds (headers left out), without reading them."""
    book = _open(file)
    try:
        return sum(max((ws.max_row or 1) - 1, 0) for ws in book.worksheets)
    finally:
        book.close()


def _open(file):
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise BadWorkbook(_("This file is not an Excel workbook (.xlsx). Download the template and fill it in.")) \
            from error
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds on a broken file
        raise BadWorkbook(_("This Excel file could not be read. Save it again as .xlsx and upload it once more.")) \
            from error


def read(file) -> dict[str, SheetRows]:
    """Every sheet of the layout found in the workbook, its rows keyed by column."""
    book = _open(file)
    try:
        by_title = {ws.title.strip(): ws for ws in book.worksheets}
        found: dict[str, SheetRows] = {}
        total = 0
        for sheet in SHEETS:
            result = found[sheet.key] = SheetRows(sheet)
            ws = next((by_title[t] for t in sheet_titles(sheet) if t in by_title), None)
            if ws is None:
                continue
            result.found = True
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None) or ()
            columns = _columns(sheet, header, result)
            example = _example(sheet)
            for number, values in enumerate(rows, start=2):
                cells = {key: values[i] if i < len(values) else None for key, i in columns.items()}
                if all(text(v) == "" for v in cells.values()):
                    continue
                if {k: text(v) for k, v in cells.items()} == {k: example.get(k, "") for k in cells}:
                    continue  # the template's example row, left in
                total += 1
                if total > MAX_ROWS:
                    raise BadWorkbook(_("This workbook has more than %(n)s rows: split it into several.")
                                      % {"n": f"{MAX_ROWS:,}"})
                result.rows.append(Row(number, cells))
        if not any(r.found for r in found.values()):
            raise BadWorkbook(_("None of the sheets of the template was found (行政区划, 承办单位, 人员, 诉求分类, "
                                "办理时限). Download the template and fill it in."))
        return found
    finally:
        book.close()


def _columns(sheet: Sheet, header, result: SheetRows) -> dict[str, int]:
    """Which position holds which column, by the header's text (a trailing * is not needed)."""
    positions = {}
    for i, value in enumerate(header):
        name = normal(text(value).rstrip("*＊ "))
        for column in sheet.columns:
            if name in header_names(column) and column.key not in positions:
                positions[column.key] = i
    for column in sheet.columns:
        if column.required and column.key not in positions:
            result.missing.append(header_text(column))
    return positions


def _example(sheet: Sheet) -> dict[str, str]:
    return {c.key: text(label_of(c, sheet.example.get(c.key, ""))) for c in sheet.columns}
