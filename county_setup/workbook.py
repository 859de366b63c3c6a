"""Writing the set-up workbook: the empty template (one example row per sheet)
and the current configuration (`export`), in the same layout, so that a county
edits it in Excel and imports it again."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import translation
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from appeals.models import Category, TimeLimit
from organisations.models import Node, Role, Unit

from .layout import NO, SETUP_ROLES, SHEETS, WORKBOOK_LANGUAGE, YES, Sheet, header_text, label_of
from .models import StaffPhone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F3E3E3")
EXAMPLE_FONT = Font(italic=True, color="808080")
LAST_ROW = 20000  # the drop-downs reach this far down


def template() -> bytes:
    """The empty workbook: the headers, one grey example row, the drop-downs."""
    return write_rows({sheet.key: [sheet.example] for sheet in SHEETS}, example=True)


def export(scope_nodes: list[Node] | None = None) -> bytes:
    """The configuration now, as the template lays it out (`scope_nodes`: an
    administrator's subtrees; None: everything)."""
    return write_rows(current_rows(scope_nodes), example=False)


def write_rows(rows: dict[str, list[dict]], *, example: bool) -> bytes:
    book = Workbook()
    book.remove(book.active)
    with translation.override(WORKBOOK_LANGUAGE):
        for sheet in SHEETS:
            _sheet(book, sheet, rows.get(sheet.key, []), example=example)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, sheet: Sheet, rows: Iterable[dict], *, example: bool) -> None:
    ws = book.create_sheet(str(sheet.title))
    ws.freeze_panes = "A2"
    for i, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=i, value=header_text(column))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        if column.hint:
            cell.comment = Comment(str(column.hint), "呼必应")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        if column.choices is not None:
            labels = ",".join(str(label) for _value, label in column.choices())
            # A warning, not a stop: the reader takes a choice's code as well as its label.
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, errorStyle="warning",
                                   showErrorMessage=True)
            check.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(check)
    for r, row in enumerate(rows, start=2):
        for i, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=r, column=i, value=label_of(column, row.get(column.key, "")))
            if example:
                cell.font = EXAMPLE_FONT


def _yes(value: bool) -> str:
    return YES if value else NO


def current_rows(scope_nodes: list[Node] | None = None) -> dict[str, list[dict]]:
    """The rows the export writes, in the template's keys, parents before children."""

    def in_scope(path: str) -> bool:
        return scope_nodes is None or any(path.startswith(n.path) for n in scope_nodes)

    nodes = list(Node.objects.select_related("parent").order_by("path"))
    node_rows = [{"code": n.code, "name": n.name, "kind": n.kind, "parent": n.parent.code if n.parent_id else "",
                  "lat": n.lat, "lng": n.lng} for n in nodes if in_scope(n.path)]
    served: dict[int, list[Node]] = {}
    for unit_id, node in ((t.unit_id, t.node) for t in Unit.jurisdiction.through.objects.select_related("node")):
        served.setdefault(unit_id, []).append(node)
    unit_rows = []
    for unit in Unit.objects.order_by("code"):
        mine = sorted(served.get(unit.pk, []), key=lambda n: n.path)
        if mine and all(in_scope(n.path) for n in mine) or not mine and scope_nodes is None:
            unit_rows.append({"code": unit.code, "name": unit.name, "kind": unit.kind,
                              "jurisdiction": ",".join(n.code for n in mine), "phone": unit.phone,
                              "active": _yes(unit.active)})
    return {"nodes": node_rows, "units": unit_rows, "people": _people_rows(in_scope),
            "categories": _category_rows(), "limits": _limit_rows()}


def _people_rows(in_scope) -> list[dict]:
    """Staff (their staff roles, one row each); superusers are kept in the Django admin, residents are not staff."""
    roles = (Role.objects.filter(name__in=SETUP_ROLES, user__is_superuser=False)
             .select_related("user", "node", "unit").order_by("user__username", "name", "pk"))
    by_user: dict[int, list[Role]] = {}
    for role in roles:
        by_user.setdefault(role.user_id, []).append(role)
    phones = dict(StaffPhone.objects.filter(user_id__in=by_user).values_list("user_id", "phone"))
    units_paths = {}
    for t in Unit.jurisdiction.through.objects.select_related("node"):
        units_paths.setdefault(t.unit_id, []).append(t.node.path)
    rows = []
    for user_id, mine in by_user.items():
        def reachable(role: Role) -> bool:
            if role.node_id:
                return in_scope(role.node.path)
            paths = units_paths.get(role.unit_id, [])
            return bool(paths) and all(in_scope(p) for p in paths)

        if not all(reachable(r) for r in mine):
            continue
        user = mine[0].user
        for role in mine:
            rows.append({"username": user.username, "full_name": user.get_full_name(),
                         "phone": phones.get(user_id, ""), "role": role.name,
                         "node": role.node.code if role.node_id else "",
                         "unit": role.unit.code if role.unit_id else ""})
    return rows


def _category_rows() -> list[dict]:
    categories = list(Category.objects.select_related("parent"))
    categories.sort(key=lambda c: (c.parent_id is not None, c.order, c.code))
    return [{"code": c.code, "name": c.name, "name_en": c.name_en, "parent": c.parent.code if c.parent_id else "",
             "order": c.order, "active": _yes(c.active)} for c in categories]


def _limit_rows() -> list[dict]:
    limits = TimeLimit.objects.select_related("category").order_by("step", "category__code", "appeal_type", "urgency",
                                                                   "pk")
    return [{"step": t.step, "category": t.category.code if t.category_id else "", "type": t.appeal_type,
             "urgency": t.urgency, "amount": _number(t.amount), "clock": t.clock} for t in limits]


def _number(amount):
    """2.00 as 2, 1.50 as 1.5: what a person types in Excel."""
    return int(amount) if amount == int(amount) else float(amount)
