"""The requests behind a figure: the one query that the page lists and the Excel
export writes (at once for a few rows, by the worker for more: analysis.jobs).

A figure's requests are those whose facts count it (a counted column above
zero) in the scope, period and category asked for, as the person may see them,
newest first. The export is a figures export: it holds no resident's name,
phone or address, and says so in its title rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from appeals.access import visible_appeals
from appeals.catalogue import catalogue
from appeals.errors import Invalid
from appeals.models import TERMINAL, Appeal, AppealEvent, Status
from appeals.search import matching
from appeals.templatetags.hby import category_name
from organisations.tree import tree, unit_names

from . import access
from .exports import XLSX, column_label, exported_at, period_label
from .figures import Query, category_ids
from .models import COUNTERS, Fact

# Which requests a figure's link lists: a counted column of their facts.
FIGURE_COLUMNS = set(COUNTERS) - {"handled_tenths"}
MAX_WORD = 20  # characters of a searched word
BATCH = 500  # rows written between two progress reports
HEADER_ROW = 6  # the title rows above it: title, scope and period, export time, no personal data, blank


def _small_id(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2**31 else None


@dataclass(frozen=True)
class Listing:
    """What the page lists: the facts of `query` that count `column`, the ones
    of one unit only when `unit` is set, made at one place (or below it) when
    `place` is (the hotspot map), whose text has `word` (the frequent words),
    the open ones past due only when `overdue`."""

    query: Query
    column: str = "received"
    unit: int | None = None
    overdue: bool = False
    place: int | None = None
    word: str = ""

    @classmethod
    def from_params(cls, query: Query, params) -> Listing:
        """From the page's query string (what cannot be read lists every request received)."""
        column = params.get("figure") if params.get("figure") in FIGURE_COLUMNS else "received"
        place = _small_id(params.get("place"))
        return cls(query, column, _small_id(params.get("unit")), params.get("open") == "overdue",
                   place if place in tree().by_id else None, (params.get("word") or "").strip()[:MAX_WORD])

    def stored(self) -> dict:
        """The listing as a job keeps it: the period as dates (a job made on the
        last day of a month still lists that month)."""
        q = self.query
        category = catalogue().by_id.get(q.category_ids[0]) if q.category_ids else None
        return {"scope": q.scope.key, "from": q.start.isoformat() if q.start else None,
                "to": q.end.isoformat() if q.end else None, "category": category.code if category else "",
                "figure": self.column, "unit": self.unit, "overdue": self.overdue, "place": self.place,
                "word": self.word}

    @classmethod
    def from_stored(cls, user, params: dict) -> Listing:
        """Back from `stored()`, checking again that `user` may see the scope
        (raises the ActionError of analysis.access when no longer)."""
        scope = access.scope_from(params.get("scope") or None, user)
        code = params.get("category") or ""
        ids = category_ids(code) if code else None
        if code and ids is None:
            raise Invalid(_("There is no such category: showing every category."), field="category")
        start, end = (date.fromisoformat(params[k]) if params.get(k) else None for k in ("from", "to"))
        return cls(Query(scope, start, end, ids), params.get("figure") or "received", params.get("unit"),
                   bool(params.get("overdue")), params.get("place"), params.get("word") or "")

    @property
    def label(self) -> str:
        return _("Overdue now") if self.overdue else column_label(self.column)

    def appeals(self, user) -> QuerySet:
        """The requests, newest first, among those `user` may see."""
        q = self.query
        facts = Fact.objects.filter(q._facts(), q._category_q(), day__gte=q.first, day__lte=q.last,
                                    **{f"{self.column}__gt": 0})
        if self.unit is not None:
            facts = facts.filter(unit=self.unit)
        if self.place is not None:
            place = tree().by_id.get(self.place)
            below = [n.pk for n in tree().subtree(place)] if place else []
            facts = facts.filter(node__in=below)
        rows = visible_appeals(user).filter(pk__in=facts.values("appeal_id"))
        if self.word:
            rows = matching(rows, self.word, fields=("title", "description"))
        if self.overdue:
            rows = rows.overdue()
        return rows.order_by("-created_at", "-id")

    def title(self) -> str:
        return _("Requests behind the figure: %(figure)s") % {"figure": self.label}

    def subtitle(self) -> str:
        q = self.query
        parts = [q.scope.name, period_label(q)]
        if q.category_ids:
            parts.append(category_name(catalogue().by_id.get(q.category_ids[0])) or "?")
        if self.unit is not None:
            parts.append(f"{_('Unit')}: {unit_names().get(self.unit, '?')}")
        if self.place is not None:
            parts.append(f"{_('Place')}: {getattr(tree().by_id.get(self.place), 'name', '?')}")
        if self.word:
            parts.append(_("with the word “%(word)s”") % {"word": self.word})
        return " · ".join(parts)


# --- The Excel file -----------------------------------------------------------------

def header() -> list[str]:
    return [_("Tracking number"), _("Received at"), _("Category"), _("Type"), _("Channel"), _("Urgency"),
            _("Place"), _("Lead unit"), _("Status"), _("Reply due"), _("First reply at"),
            _("Handling time (working hours)"), _("Overdue now")]


def rows_of(appeals: QuerySet):
    """The export's rows, read in chunks (no model instances; names from the cached tree,
    units and categories)."""
    first_reply = AppealEvent.objects.filter(appeal=OuterRef("pk"), action="reply").order_by("at").values("at")[:1]
    hours = Fact.objects.filter(appeal_id=OuterRef("pk"), owner=True).values("hours_tenths")[:1]
    values = appeals.annotate(first_reply=Subquery(first_reply), hours=Subquery(hours)).values_list(
        "tracking_no", "created_at", "category_id", "type", "channel", "urgency", "node_id", "unit_id", "status",
        "handle_due", "step_due", "first_reply", "hours")
    places, units, categories = tree(), unit_names(), catalogue().by_id
    labels = {name: {k: str(v) for k, v in choices.choices}
              for name, choices in (("type", Appeal.Type), ("channel", Appeal.Channel), ("urgency", Appeal.Urgency),
                                    ("status", Status))}
    yes, no = _("Yes"), _("No")
    paths: dict[int, str] = {}
    now = timezone.now()
    for (number, created, category, kind, channel, urgency, node, unit, state, handle_due, step_due, replied,
         tenths) in values.iterator(chunk_size=BATCH):
        if node not in paths:
            place = places.by_id.get(node)
            paths[node] = " › ".join(n.name for n in places.ancestors(place)) if place else "?"
        overdue = state not in TERMINAL and step_due is not None and step_due < now
        yield [number, _local(created), category_name(categories.get(category)) or "?",
               labels["type"].get(kind, kind), labels["channel"].get(channel, channel),
               labels["urgency"].get(urgency, urgency), paths[node], units.get(unit, "") if unit else "",
               labels["status"].get(state, state), _local(handle_due), _local(replied),
               tenths / 10 if tenths is not None else None, yes if overdue else no]


def _local(at):
    """Excel has no time zones: the local time, without one."""
    return timezone.localtime(at).replace(tzinfo=None) if at is not None else None


WIDTHS = (20, 17, 16, 8, 10, 8, 40, 20, 9, 17, 17, 10, 8)


def write(target, listing: Listing, rows, progress=None) -> int:
    """Writes the workbook (openpyxl's write-only mode: the rows go straight to the
    file) to `target`, a path or a file; calls `progress(n)` after every BATCH rows.
    Returns the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Requests"))
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    title = WriteOnlyCell(sheet, value=listing.title())
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([listing.subtitle()])
    sheet.append([exported_at()])
    sheet.append([_("A figures export: no names, phone numbers or addresses of residents.")])
    sheet.append([])
    heads = []
    for text in header():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        heads.append(cell)
    sheet.append(heads)
    n = 0
    for n, row in enumerate(rows, 1):
        sheet.append(row)
        if progress is not None and n % BATCH == 0:
            progress(n)
    book.save(target)
    return n


def xlsx_response(listing: Listing, user) -> HttpResponse:
    """The file at once (a few thousand rows at most)."""
    out = BytesIO()
    write(out, listing, rows_of(listing.appeals(user)))
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename()}"'
    return response


def filename(at=None) -> str:
    return f"hubiying-requests-{timezone.localtime(at).strftime('%Y%m%d-%H%M')}.xlsx"
