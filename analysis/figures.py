"""The figures of any scope, category and period, read from the tallies.

Figures count the requests received in the period (a cohort): a request counts
as replied once it has had a reply, whatever its state now, so no rate passes
100%. Every rate carries its numerator and denominator; a rate without a
denominator is None ("—" on pages, null in JSON), never 0 or 100.

Counties, towns, communities and units read `Tally` rows: whole years from the
yearly rows, whole months from the monthly ones, the rest from the daily ones.
Grids and compounds sum their few thousand `Fact` rows directly.
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

from .models import COUNTERS, Fact, FigureSettings, Grain, HoursTally, Tally, UnitTally, unit_scope

TALLIED = {Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY}
EARLIEST = date(2000, 1, 1)

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


def pieces(start: date, end: date) -> list[tuple[str, date, date]]:
    """[start, end] as whole years, whole months and single days: (grain, first, last) periods."""
    out = []
    cursor = start
    while cursor <= end:
        if cursor.month == 1 and cursor.day == 1 and date(cursor.year, 12, 31) <= end:
            last = end.year if end == date(end.year, 12, 31) else end.year - 1
            out.append((Grain.YEAR, cursor, date(last, 1, 1)))
            cursor = date(last + 1, 1, 1)
        elif cursor.day == 1 and _month_end(cursor) <= end:
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

    @property
    def first(self) -> date:
        return self.start or EARLIEST

    @property
    def last(self) -> date:
        return self.end or today()

    def tallied(self) -> bool:
        return self.scope.unit is not None or self.scope.node.kind in TALLIED

    def _category_q(self) -> Q:
        return Q(category__in=self.category_ids) if self.category_ids is not None else Q()

    def _scope_id(self) -> int:
        return unit_scope(self.scope.unit.pk) if self.scope.unit else self.scope.node.pk

    def _periods(self) -> Q:
        """The tally periods of the query. Nobody is received after today, so a period
        reaching today reaches the end of its year: whole months and years, few rows."""
        end = self.last
        if end >= today():
            end = date(end.year, 12, 31)
        periods = Q(pk__in=[])
        for grain, first, last in pieces(self.first, end):
            periods |= Q(grain=grain, period__gte=first, period__lte=last)
        return periods

    def rows(self, model=Tally):
        """The Tally (or UnitTally) rows of the scope, period and category; the Fact rows of a grid or compound."""
        if self.tallied():
            return model.objects.filter(self._periods(), self._category_q(), scope=self._scope_id())
        return Fact.objects.filter(self._category_q(), node__in=self.places(), day__gte=self.first,
                                   day__lte=self.last)

    def places(self) -> list[int]:
        return list(Node.objects.filter(path__startswith=self.scope.node.path).values_list("pk", flat=True))

    def counts(self, rows=None) -> Counts:
        rows = self.rows() if rows is None else rows
        got = rows.aggregate(**{c: Sum(c) for c in COUNTERS})
        return Counts({c: int(got[c] or 0) for c in COUNTERS})

    def breakdown(self, dimension: str) -> list[tuple[object, Counts]]:
        """Counts per value of `dimension` (category, unit, channel, type, urgency), most received first."""
        rows = self.rows(UnitTally if dimension == "unit" else Tally)
        found = rows.values(dimension).annotate(**{c: Sum(c) for c in COUNTERS}).order_by()
        out = [(row[dimension], Counts({c: int(row[c] or 0) for c in COUNTERS})) for row in found]
        out.sort(key=lambda item: (-item[1]["received"], -item[1]["dispatched"], str(item[0])))
        return out

    def trend(self, grain: str = Grain.DAY) -> list[tuple[date, Counts]]:
        """Received and replied per day, month or year of the period."""
        if self.tallied():
            rows = Tally.objects.filter(self._category_q(), scope=self._scope_id(), grain=grain,
                                        period__gte=_floor(self.first, grain), period__lte=self.last)
            found = rows.values("period").annotate(**{c: Sum(c) for c in COUNTERS}).order_by("period")
            return [(r["period"], Counts({c: int(r[c] or 0) for c in COUNTERS})) for r in found]
        by: dict[date, Counts] = {}
        for row in self.rows().values("day").annotate(**{c: Sum(c) for c in COUNTERS}).order_by("day"):
            key = _floor(row["day"], grain)
            counts = by.setdefault(key, Counts())
            for c in COUNTERS:
                counts.values[c] += int(row[c] or 0)
        return sorted(by.items())

    def hours(self) -> tuple[float | None, float | None]:
        """Average and 90th percentile (nearest rank) of the handling time, in working hours."""
        if self.tallied():
            categories = Q(category=0) if self.category_ids is None else self._category_q()
            rows = (HoursTally.objects.filter(self._periods(), categories, scope=self._scope_id())
                    .values("tenths").annotate(n=Sum("count")).order_by("tenths"))
        else:
            rows = (self.rows().filter(owner=True, hours_tenths__isnull=False).values("hours_tenths")
                    .annotate(n=Count("id")).order_by("hours_tenths"))
        histogram = [(r.get("tenths", r.get("hours_tenths")), int(r["n"])) for r in rows]
        total = sum(n for _t, n in histogram)
        if not total:
            return None, None
        average = sum(t * n for t, n in histogram) / total / 10
        rank, seen = math.ceil(0.9 * total), 0
        for tenths, n in histogram:
            seen += n
            if seen >= rank:
                return round(average, 1), tenths / 10
        return round(average, 1), histogram[-1][0] / 10  # pragma: no cover

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


def _floor(d: date, grain: str) -> date:
    if grain == Grain.YEAR:
        return d.replace(month=1, day=1)
    if grain == Grain.MONTH:
        return d.replace(day=1)
    return d


def _local_midnight(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def category_ids(code: str) -> list[int] | None:
    """A category code's ids (a first-level code takes its children); None when unknown."""
    return catalogue().with_children(code)
