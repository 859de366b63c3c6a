"""The figures of any scope, category and period, read from the tallies.

Figures count the requests received in the period (a cohort): a request counts
as replied once it has had a reply, whatever its state now, so no rate passes
100%. Every rate carries its numerator and denominator; a rate without a
denominator is None ("—" on pages, null in JSON), never 0 or 100.

A county, town or community reads its tallies for the whole years and months
of the period (a county its days too) and its facts for the days left over;
a grid, compound or unit sums its facts (tens of thousands at most).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from appeals.catalogue import catalogue
from appeals.models import Appeal
from organisations.models import Node, Unit
from organisations.tree import tree

from .keeping import HOURS_GRAINS, PLACE_GRAINS, TALLY_GRAINS, UNIT_GRAINS, hours_bucket, period_of, unit_scope
from .models import (
    COUNTERS,
    PLACE_COUNTERS,
    TYPE_COUNTERS,
    Fact,
    FigureSettings,
    Grain,
    HoursTally,
    PlaceTally,
    Tally,
    UnitTally,
)

TALLIED = {Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY}
SUMS = {c: Sum(c) for c in COUNTERS}
EARLIEST = date(2000, 1, 1)
SMALL = 10  # fewer than this in a rate's denominator: too few to compare (rankings) or judge (reports)
WEEK = "W"  # a trend's grain read from the days

# name: (numerator, denominator) in counters; the satisfaction rate is worked out apart.
RATES = {
    "reply_rate": ("replied", "received"),  # 答复办结率
    "on_time_sign_rate": ("signed_on_time", "dispatched"),  # 按时签收率
    "response_rate": ("responded_on_time", "response_due"),  # 响应率
    "on_time_rate": ("replied_on_time", "replied"),  # 按时办结率
    "satisfaction_rate": (None, None),  # 满意率
    "resolution_rate": ("resolved", "evaluated"),  # 解决率
    "reopen_rate": ("reopened", "replied"),  # 重办率
    "return_rate": ("returns", "dispatched"),  # 退单率
    "direct_rate": ("on_the_spot", "received"),  # 直接办结率 (即接即办)
}


@dataclass(frozen=True)
class Rate:
    numerator: Decimal | int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        value = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        mode = ROUND_DOWN if settings.HUBIYING_RATE_ROUNDING == "truncate" else ROUND_HALF_UP
        return value.quantize(Decimal("0.1"), rounding=mode)

    def as_json(self) -> dict:
        pct = self.percent
        return {"percent": float(pct) if pct is not None else None, "numerator": _num(self.numerator),
                "denominator": self.denominator}


def _num(value):
    return float(value) if isinstance(value, Decimal) and value != value.to_integral_value() else int(value)


@dataclass(frozen=True)
class Scope:
    """A tree node or a unit whose figures are asked for."""

    node: Node | None = None
    unit: Unit | None = None

    @property
    def key(self) -> str:
        return f"unit-{self.unit.pk}" if self.unit else str(self.node.pk)

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else self.node.name

    @property
    def kind(self) -> str:
        return "unit" if self.unit else self.node.kind


@dataclass
class Counts:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def add(self, row: dict) -> Counts:
        """Adds a row of sums (a tally's or the facts' aggregate; None counts 0)."""
        for name in COUNTERS:
            self.values[name] += int(row.get(name) or 0)
        return self

    def rates(self, choice: FigureSettings) -> dict[str, Rate]:
        out = {}
        for name, (num, den) in RATES.items():
            out[name] = satisfaction(self, choice) if name == "satisfaction_rate" else Rate(self[num], self[den])
        return out


def satisfaction(c: Counts, choice: FigureSettings) -> Rate:
    """满意率: satisfied ÷ valid evaluations, 基本满意 as the admin chose."""
    basic = choice.basically
    if basic == FigureSettings.Basic.EXCLUDED:
        return Rate(c["satisfied"], c["satisfied"] + c["dissatisfied"])
    weight = Decimal(1) if basic == FigureSettings.Basic.SATISFIED else Decimal(choice.basically_weight)
    satisfied = c["satisfied"] + weight * c["basically"]
    return Rate(satisfied if weight != 1 else int(satisfied), c["satisfied"] + c["basically"] + c["dissatisfied"])


# --- Periods ----------------------------------------------------------------------

def _month_end(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def pieces(start: date, end: date, finest=(Grain.DAY, Grain.MONTH, Grain.YEAR)) -> list[tuple[str, date, date]]:
    """[start, end] as whole years, whole months and runs of days: (grain, first, last) periods.
    `finest`: the grains available (a year may be read as its months)."""
    out = []
    cursor = start
    while cursor <= end:
        if Grain.YEAR in finest and cursor.month == 1 and cursor.day == 1 and date(cursor.year, 12, 31) <= end:
            last = end.year if end == date(end.year, 12, 31) else end.year - 1
            out.append((Grain.YEAR, cursor, date(last, 1, 1)))
            cursor = date(last + 1, 1, 1)
        elif Grain.MONTH in finest and cursor.day == 1 and _month_end(cursor) <= end:
            last = cursor
            while last.month < 12 and _month_end(last.replace(month=last.month + 1)) <= end:
                last = last.replace(month=last.month + 1)
            out.append((Grain.MONTH, cursor, last))
            cursor = _month_end(last) + timedelta(days=1)
        else:
            last = min(end, _month_end(cursor))
            out.append((Grain.DAY, cursor, last))
            cursor = last + timedelta(days=1)
    return out


def today() -> date:
    return timezone.localdate()


# --- Reading ----------------------------------------------------------------------

@dataclass
class Query:
    scope: Scope
    start: date | None = None
    end: date | None = None
    category_ids: list[int] | None = None  # None: every category
    _counts: Counts | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def first(self) -> date:
        return self.start or EARLIEST

    @property
    def last(self) -> date:
        return self.end or today()

    @property
    def level(self) -> str | None:
        """'county', 'town', 'community' or 'unit' when the scope keeps tallies."""
        if self.scope.unit is not None:
            return "unit"
        if self.scope.node.kind in TALLIED:
            return self.scope.node.kind
        return None

    def _scope_id(self) -> int:
        return unit_scope(self.scope.unit.pk) if self.scope.unit is not None else self.scope.node.pk

    def _category_q(self) -> Q:
        return Q(category__in=self.category_ids) if self.category_ids is not None else Q()

    def _facts(self) -> Q:
        """The scope's facts (every fact of a request in it, every part of a unit)."""
        if self.scope.unit is not None:
            return Q(unit=self.scope.unit.pk)
        kind = self.scope.node.kind
        if kind in (Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY):
            return Q(**{kind: self.scope.node.pk})
        return Q(node__in=[n.pk for n in tree().subtree(self.scope.node)])

    def sources(self, model=Tally, tallied_grains=None) -> list:
        """The querysets whose rows add up to the figures: a county's or town's
        tallies for the whole months and years of the period (and a county's
        days), the facts for the rest."""
        facts = Fact.objects.filter(self._facts(), self._category_q())
        grains = tallied_grains if tallied_grains is not None else self._grains(model)
        if not grains:
            return [facts.filter(day__gte=self.first, day__lte=self.last)]
        periods, days = self._split(grains)
        # UnitTally and HoursTally keep every category's rows together as category 0.
        categories = Q(category=0) if model is not Tally and self.category_ids is None else self._category_q()
        return [model.objects.filter(periods, categories, scope=self._scope_id()), facts.filter(days)]

    def _split(self, grains) -> tuple[Q, Q]:
        """The period as tally rows of `grains` (whole months and years) and fact days (the rest).
        Nobody is received after today, so a period reaching today reaches the end of its year."""
        end = self.last if self.last < today() else date(self.last.year, 12, 31)
        periods, days = Q(pk__in=[]), Q(pk__in=[])
        for grain, first, last in pieces(self.first, end, finest=grains):
            if grain in grains:
                periods |= Q(grain=grain, period__gte=first, period__lte=last)
            else:
                days |= Q(day__gte=first, day__lte=last)
        return periods, days

    def _grains(self, model) -> tuple:
        """The grains of `model` this query may read (a category's figures need rows per category)."""
        if self.level is None:
            return ()
        if model is Tally:
            return TALLY_GRAINS.get(self.level, ())
        kept = (UNIT_GRAINS if model is UnitTally else HOURS_GRAINS).get(self.level, {})
        return tuple(g for g, per_category in kept.items() if per_category or self.category_ids is None)

    def counts(self) -> Counts:
        """The scope's counts (read once per query: the headline, the rates, the
        handling time and the type breakdown all use them)."""
        if self._counts is None:
            self._counts = Counts()
            for qs in self.sources():
                self._counts.add(qs.aggregate(**SUMS))
        return self._counts

    def breakdown(self, dimension: str) -> list[tuple[object, Counts]]:
        """Counts per category, unit or channel (all counts), or per type or urgency
        (received only), most received first."""
        if dimension in ("type", "urgency"):
            c = self.counts()
            if dimension == "urgency":
                pairs = [("urgent", c["urgent"]), ("normal", c["received"] - c["urgent"])]
            else:
                pairs = [(kind, c[column]) for kind, column in TYPE_COUNTERS.items()]
            out = []
            for value, n in pairs:
                counts = Counts()
                counts.values["received"] = n
                out.append((value, counts))
        elif dimension == "unit" and self.scope.unit is not None:
            out = [(self.scope.unit.pk, self.counts())]  # a unit's figures by unit: itself
        else:
            merged: dict = {}
            for qs in self.sources(UnitTally if dimension == "unit" else Tally):
                for row in qs.values(dimension).annotate(**SUMS).order_by():
                    merged.setdefault(row[dimension], Counts()).add(row)
            out = list(merged.items())
        out.sort(key=lambda item: (-item[1]["received"], -item[1]["dispatched"], str(item[0])))
        return out

    def trend(self, grain: str = Grain.DAY) -> list[tuple[date, Counts]]:
        """The counts per day, week (WEEK: from Monday), month or year of the period."""
        order = [Grain.DAY, Grain.MONTH, Grain.YEAR]
        read = Grain.DAY if grain == WEEK else grain
        fine_enough = tuple(g for g in self._grains(Tally) if order.index(g) <= order.index(read))
        by: dict[date, Counts] = {}
        for qs in self.sources(tallied_grains=fine_enough):
            key = "period" if qs.model is Tally else "day"
            for row in qs.values(key).annotate(**SUMS).order_by():
                at = period_of(row[key], read)
                if grain == WEEK:
                    at -= timedelta(days=at.weekday())
                by.setdefault(at, Counts()).add(row)
        return sorted(by.items())

    def hours(self) -> tuple[float | None, float | None]:
        """Average and 90th percentile (nearest rank, on the histogram's steps:
        keeping.hours_bucket) of the handling time, in working hours."""
        histogram: dict[int, int] = {}
        for qs in self.sources(HoursTally):
            if qs.model is HoursTally:
                rows = qs.values_list("tenths").annotate(n=Sum("count")).order_by()
            else:
                rows = (qs.filter(owner=True, hours_tenths__isnull=False).values_list("hours_tenths")
                        .annotate(n=Count("id")).order_by())
                rows = [(hours_bucket(t), n) for t, n in rows]
            for tenths, n in rows:
                histogram[tenths] = histogram.get(tenths, 0) + int(n)
        counts = self.counts()  # the average from the exact sum, not the histogram's steps
        total_tenths, handled = counts["handled_tenths"], counts["handled"]
        total = sum(histogram.values())
        if not total or not handled:
            return None, None
        average = round(total_tenths / handled / 10, 1)
        rank, seen = math.ceil(0.9 * total), 0
        for tenths in sorted(histogram):
            seen += histogram[tenths]
            if seen >= rank:
                return average, tenths / 10
        return average, max(histogram) / 10  # pragma: no cover

    def by_area(self) -> list[tuple[Node, Counts]]:
        """The counts of each tree node right below the scope (towns of a county,
        communities of a town, grids of a community), most received first."""
        if self.scope.node is None:
            return []
        places = tree()
        children = [n for n in places.by_id.values() if n.parent_id == self.scope.node.pk]
        if not children:
            return []
        by: dict[int, Counts] = {c.pk: Counts() for c in children}

        def add(key, row):
            if key in by:
                by[key].add(row)

        kind = children[0].kind
        facts = Fact.objects.filter(self._facts(), self._category_q())
        same_kind = all(c.kind == kind for c in children)
        if kind in UNIT_GRAINS and same_kind and self.category_ids is None:
            # the areas' rows of every category together (a few per unit serving there)
            periods, days = self._split(tuple(UNIT_GRAINS[kind]))
            rows = UnitTally.objects.filter(periods, category=0, scope__in=list(by))
            for row in rows.values("scope").annotate(**SUMS).order_by():
                add(row["scope"], row)
            for row in facts.filter(days).values(kind).annotate(**SUMS).order_by():
                add(row[kind], row)
        elif kind in TALLIED and same_kind:
            periods, days = self._split(TALLY_GRAINS[kind])
            rows = Tally.objects.filter(periods, self._category_q(), scope__in=list(by))
            for row in rows.values("scope").annotate(**SUMS).order_by():
                add(row["scope"], row)
            for row in facts.filter(days).values(kind).annotate(**SUMS).order_by():
                add(row[kind], row)
        else:  # grids (or mixed children): from the facts, each place to the child its path runs through
            top = len(self.scope.node.path)
            under = {n.pk: places.by_code[n.path[top:].split("/")[0]].pk for n in places.by_id.values()
                     if n.path.startswith(self.scope.node.path) and len(n.path) > top}
            rows = facts.filter(day__gte=self.first, day__lte=self.last).values("node").annotate(**SUMS).order_by()
            for row in rows:
                add(under.get(row["node"]), row)
        out = [(places.by_id[pk], counts) for pk, counts in by.items()]
        out.sort(key=lambda item: (-item[1]["received"], item[0].path))
        return out

    def places(self) -> dict[int, dict[str, int]]:
        """The received, replied and dissatisfied requests of each place under the
        scope (the node each request was made at), for the hotspot map: the county's
        place tallies for the whole months and years, the facts for the rest (a
        unit: its facts as the lead unit)."""
        by: dict[int, dict[str, int]] = {}

        def add(rows):
            for row in rows:
                counts = by.setdefault(row["node"], dict.fromkeys(PLACE_COUNTERS, 0))
                for name in PLACE_COUNTERS:
                    counts[name] += int(row[name] or 0)

        sums = {c: Sum(c) for c in PLACE_COUNTERS}
        facts = Fact.objects.filter(self._facts(), self._category_q(), owner=True)
        if self.scope.unit is not None:
            add(facts.filter(day__gte=self.first, day__lte=self.last).values("node").annotate(**sums).order_by())
            return by
        node, places = self.scope.node, tree()
        county = node if node.kind == Node.Kind.COUNTY else places.ancestor_of_kind(node, Node.Kind.COUNTY)
        if county is None:  # a place outside any county: its facts
            add(facts.filter(day__gte=self.first, day__lte=self.last).values("node").annotate(**sums).order_by())
            return by
        periods, days = self._split(tuple(PLACE_GRAINS["county"]))
        rows = PlaceTally.objects.filter(periods, scope=county.pk)
        rows = rows.filter(self._category_q()) if self.category_ids is not None else rows.filter(category=0)
        if node.pk != county.pk:
            rows = rows.filter(node__in=[n.pk for n in places.subtree(node)])
        add(rows.values("node").annotate(**sums).order_by())
        add(facts.filter(days).values("node").annotate(**sums).order_by())
        return by

    def overdue_now(self) -> int:
        """Open requests of the cohort past their current step's deadline (from the requests themselves:
        time passing makes a request overdue without any event)."""
        qs = Appeal.objects.overdue()
        if self.scope.unit:
            qs = qs.filter(unit_id=self.scope.unit.pk)
        else:
            qs = qs.filter(node_path__startswith=self.scope.node.path)
        if self.category_ids is not None:
            qs = qs.filter(category_id__in=self.category_ids)
        if self.start:
            qs = qs.filter(created_at__gte=_local_midnight(self.start))
        if self.end:
            qs = qs.filter(created_at__lt=_local_midnight(self.end + timedelta(days=1)))
        return qs.count()


def _local_midnight(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def category_ids(code: str) -> list[int] | None:
    """A category code's ids (a first-level code takes its children); None when unknown."""
    return catalogue().with_children(code)
