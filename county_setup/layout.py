"""The workbook's layout, in one place: its five sheets, their columns, and the
fixed values a column takes. The template, the export and the reader all read
it, so a column added here is written, exported and read alike.

The workbook is always written in Chinese (the county's staff edit it in a
Chinese Excel); the reader also knows the English headers and labels, and
every choice's code."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import pgettext_lazy

from appeals.models import AppealType, TimeLimit, Urgency
from organisations.models import Node, Role, Unit

WORKBOOK_LANGUAGE = "zh-hans"
YES, NO = "yes", "no"
# Staff roles only: a resident's account is theirs to make, never a set-up sheet's.
SETUP_ROLES = [r for r in Role.Name if r != Role.Name.RESIDENT]


def _yes_no() -> list[tuple[str, str]]:
    return [(YES, pgettext_lazy("county set-up", "yes")), (NO, pgettext_lazy("county set-up", "no"))]


def _choices(choices_class) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(value, label) for value, label in choices_class.choices]


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy translation
    required: bool = False
    choices: Callable[[], list[tuple[str, str]]] | None = None
    width: int = 14
    hint: object = ""  # shown as the header cell's comment


@dataclass(frozen=True)
class Sheet:
    key: str
    title: object
    columns: list[Column] = field(default_factory=list)
    example: dict = field(default_factory=dict)  # the template's example row (the reader skips it)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def C(key, header, **kw) -> Column:  # noqa: N802 — reads as a table below
    return Column(key, header, **kw)


# The workbook's words have their own context ("county set-up"): they are the sheet's, not the pages'.
NODES = Sheet("nodes", pgettext_lazy("county set-up", "Administrative tree"), [
    C("code", pgettext_lazy("county set-up", "Code"), width=18, hint=pgettext_lazy(
        "county set-up", "Letters, digits, - and _. Leave empty for a new node: it gets one made from its parent's "
        "code.")),
    C("name", pgettext_lazy("county set-up", "Name"), required=True, width=18),
    C("kind", pgettext_lazy("county set-up", "Level"), required=True, choices=_choices(Node.Kind)),
    C("parent", pgettext_lazy("county set-up", "Parent code"), width=18,
      hint=pgettext_lazy("county set-up", "Empty for a county or city at the top.")),
    C("lat", pgettext_lazy("county set-up", "Latitude"), width=11),
    C("lng", pgettext_lazy("county set-up", "Longitude"), width=11),
], example={"code": "EX", "name": "示例县", "kind": "county", "parent": "", "lat": 44.19, "lng": 86.9})

UNITS = Sheet("units", pgettext_lazy("county set-up", "Handling units"), [
    C("code", pgettext_lazy("county set-up", "Code"), required=True, width=16),
    C("name", pgettext_lazy("county set-up", "Name"), required=True, width=22),
    C("kind", pgettext_lazy("county set-up", "Kind"), required=True, choices=_choices(Unit.Kind)),
    C("jurisdiction", pgettext_lazy("county set-up", "Jurisdiction (node codes)"), required=True, width=30,
      hint=pgettext_lazy("county set-up", "The codes of the nodes it serves (with their subtrees), separated by "
                                          "commas.")),
    C("phone", pgettext_lazy("county set-up", "Office phone"), width=16),
    C("active", pgettext_lazy("county set-up", "Active"), choices=_yes_no, width=8,
      hint=pgettext_lazy("county set-up", "Empty means yes.")),
], example={"code": "EX-CG", "name": "示例县城管局", "kind": "department", "jurisdiction": "EX",
            "phone": "0994-4500001", "active": YES})

PEOPLE = Sheet("people", pgettext_lazy("county set-up", "People"), [
    C("username", pgettext_lazy("county set-up", "Account name"), required=True, width=16,
      hint=pgettext_lazy("county set-up", "One row per role: repeat the account name for a person with several "
                                          "roles.")),
    C("full_name", pgettext_lazy("county set-up", "Full name"),
      hint=pgettext_lazy("county set-up", "Needed for a new person.")),
    C("phone", pgettext_lazy("county set-up", "Phone"), width=16),
    C("role", pgettext_lazy("county set-up", "Role"), required=True, width=16,
      choices=lambda: [(r.value, r.label) for r in SETUP_ROLES]),
    C("node", pgettext_lazy("county set-up", "Scope node code"), width=18,
      hint=pgettext_lazy("county set-up", "For every role but the handler.")),
    C("unit", pgettext_lazy("county set-up", "Scope unit code"), width=16,
      hint=pgettext_lazy("county set-up", "For the handler only.")),
], example={"username": "ex_admin", "full_name": "示例管理员", "phone": "13800000000", "role": "admin",
            "node": "EX", "unit": ""})

CATEGORIES = Sheet("categories", pgettext_lazy("county set-up", "Categories"), [
    C("code", pgettext_lazy("county set-up", "Code"), required=True),
    C("name", pgettext_lazy("county set-up", "Name"), required=True, width=18),
    C("name_en", pgettext_lazy("county set-up", "English name"), width=20),
    C("parent", pgettext_lazy("county set-up", "Parent code"),
      hint=pgettext_lazy("county set-up", "Empty for a top-level category; two levels only.")),
    C("order", pgettext_lazy("county set-up", "Order"), width=8),
    C("active", pgettext_lazy("county set-up", "Active"), choices=_yes_no, width=8,
      hint=pgettext_lazy("county set-up", "Empty means yes.")),
], example={"code": "EX-WY", "name": "示例分类", "name_en": "Example", "parent": "", "order": 1, "active": YES})

LIMITS = Sheet("limits", pgettext_lazy("county set-up", "Time limits"), [
    C("step", pgettext_lazy("county set-up", "Step"), required=True, choices=_choices(TimeLimit.Step), width=22),
    C("category", pgettext_lazy("county set-up", "Category code"),
      hint=pgettext_lazy("county set-up", "Empty: every category.")),
    C("type", pgettext_lazy("county set-up", "Type"), choices=_choices(AppealType), width=10,
      hint=pgettext_lazy("county set-up", "Empty: every type.")),
    C("urgency", pgettext_lazy("county set-up", "Urgency"), choices=_choices(Urgency), width=10,
      hint=pgettext_lazy("county set-up", "Empty: every urgency.")),
    C("amount", pgettext_lazy("county set-up", "Amount"), required=True, width=10,
      hint=pgettext_lazy("county set-up", "A number above 0, at most 2 decimals.")),
    C("clock", pgettext_lazy("county set-up", "Clock"), required=True, choices=_choices(TimeLimit.Clock), width=18),
], example={"step": "handle", "category": "EX-WY", "type": "", "urgency": "urgent", "amount": 3,
            "clock": "work_days"})

SHEETS = [NODES, UNITS, PEOPLE, CATEGORIES, LIMITS]


def label_of(column: Column, value: str) -> str:
    """A choice's label as the workbook writes it ('社区/村' for 'community')."""
    if column.choices is None or value in ("", None):
        return "" if value is None else value
    with translation.override(WORKBOOK_LANGUAGE):
        return next((str(label) for v, label in column.choices() if v == value), value)


def choice_lookup(column: Column) -> dict[str, str]:
    """Every way a cell may name a choice — its code, its Chinese and English label — to its code."""
    found: dict[str, str] = {}
    for language in (WORKBOOK_LANGUAGE, "en"):
        with translation.override(language):
            for value, label in column.choices():
                found[normal(str(label))] = value
    for value, _label in column.choices():
        found[value.lower()] = value
    if column.choices is _yes_no:
        found.update({"是": YES, "否": NO, "y": YES, "n": NO, "true": YES, "false": NO, "1": YES, "0": NO})
    return found


def normal(text: str) -> str:
    """How the reader compares a cell with a label: full-width forms folded (（ as (), case ignored."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def header_text(column: Column) -> str:
    with translation.override(WORKBOOK_LANGUAGE):
        return str(column.header) + ("*" if column.required else "")


def sheet_titles(sheet: Sheet) -> set[str]:
    """The names under which the reader finds a sheet (Chinese, English, its key)."""
    titles = {sheet.key}
    for language in (WORKBOOK_LANGUAGE, "en"):
        with translation.override(language):
            titles.add(str(sheet.title))
    return titles


def header_names(column: Column) -> set[str]:
    names = {column.key}
    for language in (WORKBOOK_LANGUAGE, "en"):
        with translation.override(language):
            names.add(normal(str(column.header)))
    return names
