"""Keeping the figures in step with the timeline.

`on_events` receives `appeals.signals.events_written` inside the transaction
that wrote the events: each request touched is worked out again from its whole
timeline (analysis.facts), and the difference between its new and its old
facts is added to the tallies, so a later event can move a request from one
unit to another, or from "open" to "replied", without a recount.
`fact_differences` and `rebuild_tallies` (manage.py rebuild_figures) work
everything out again from the timeline and say what differed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from appeals.models import Appeal, AppealEvent
from organisations.models import Node, Unit
from organisations.tree import tree
from workcalendar.calendar import WorkCalendar

from .facts import Part, Request, request_of
from .models import COUNTERS, PLACE_COUNTERS, Fact, Grain, HoursTally, PlaceTally, Tally, UnitTally

TALLY_KEY = ("scope", "grain", "period", "category", "channel")
UNIT_KEY = ("scope", "grain", "period", "category", "unit")
HOURS_KEY = ("scope", "grain", "period", "category", "tenths")
PLACE_KEY = ("scope", "grain", "period", "category", "node")
ROW_FIELDS = ("id", "category_id", "channel", "type", "urgency", "node_id", "created_at")  # see _row
ALL_CATEGORIES = 0  # the UnitTally and HoursTally rows of every category together
# Which tallies each level keeps (the rest is summed from the facts).
TALLY_GRAINS = {"county": (Grain.DAY, Grain.MONTH, Grain.YEAR), "town": (Grain.MONTH, Grain.YEAR),
                "community": (Grain.MONTH, Grain.YEAR), "unit": (Grain.MONTH, Grain.YEAR)}
# level -> {grain: whether rows per category are kept}; the rows of every category
# together (category 0) always are: a scope's ranking or histogram is then a few rows.
# (The rows of every category together also rank a county's towns, by day too, and a
# town's communities in a few rows: figures.Query.by_area.)
UNIT_GRAINS = {"county": {Grain.DAY: False, Grain.MONTH: True, Grain.YEAR: True},
               "town": {Grain.DAY: False, Grain.MONTH: True, Grain.YEAR: True},
               "community": {Grain.MONTH: False, Grain.YEAR: False}}
HOURS_GRAINS = {"county": {Grain.DAY: False, Grain.MONTH: True, Grain.YEAR: True},
                "town": {Grain.DAY: False, Grain.MONTH: True, Grain.YEAR: True},
                "unit": {Grain.MONTH: False, Grain.YEAR: False}}
# The hotspot map: each county's places (the request's own node), per month and year.
PLACE_GRAINS = {"county": {Grain.MONTH: True, Grain.YEAR: True}}


def unit_scope(unit_id: int) -> int:
    """A unit's tally scope: minus its id (tree nodes have the positive ones)."""
    return -int(unit_id)


def hours_bucket(tenths: int) -> int:
    """The handling-time histogram's step: 0.1 h below 10 h, 1 h below 100 h, 10 h beyond."""
    if tenths < 100:
        return tenths
    if tenths < 1000:
        return tenths // 10 * 10
    return tenths // 100 * 100


HOURS_BUCKET_SQL = ("CASE WHEN {h} < 100 THEN {h} WHEN {h} < 1000 THEN ({h} / 10) * 10 "
                    "ELSE ({h} / 100) * 100 END")


def period_of(day: date, grain: str) -> date:
    if grain == Grain.YEAR:
        return day.replace(month=1, day=1)
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


@dataclass
class Delta:
    """Rows to add to the three tallies (key -> counts)."""

    tallies: dict = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(COUNTERS, 0)))
    units: dict = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(COUNTERS, 0)))
    hours: dict = field(default_factory=lambda: defaultdict(int))
    places: dict = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(PLACE_COUNTERS, 0)))

    def add(self, req: Request | None, sign: int = 1) -> Delta:
        """Adds (sign=1) or takes away (-1) what `req` contributes."""
        if req is None:
            return self
        for part in req.parts.values():
            nonzero = {k: v for k, v in part.counts.items() if v}
            levels = [("county", req.county), ("town", req.town), ("community", req.community)]
            if part.unit:
                levels.append(("unit", unit_scope(part.unit)))
            for level, scope in levels:
                if not scope:
                    continue
                if nonzero:
                    for grain in TALLY_GRAINS[level]:
                        key = (scope, grain, period_of(req.day, grain), req.category, req.channel)
                        _add(self.tallies[key], nonzero, sign)
                    for grain, category in _kept(UNIT_GRAINS, level, req.category):
                        _add(self.units[(scope, grain, period_of(req.day, grain), category, part.unit)], nonzero, sign)
                if part.owner and part.hours_tenths is not None:
                    bucket = hours_bucket(part.hours_tenths)
                    for grain, category in _kept(HOURS_GRAINS, level, req.category):
                        self.hours[(scope, grain, period_of(req.day, grain), category, bucket)] += sign
                if part.owner:
                    placed = {k: part.counts[k] for k in PLACE_COUNTERS if part.counts[k]}
                    for grain, category in _kept(PLACE_GRAINS, level, req.category) if placed else ():
                        _add(self.places[(scope, grain, period_of(req.day, grain), category, req.node)], placed, sign)
        return self

    def apply(self) -> None:
        for model, key, rows in ((Tally, TALLY_KEY, self.tallies), (UnitTally, UNIT_KEY, self.units)):
            _upsert(model, key, COUNTERS, [k + tuple(r[c] for c in COUNTERS) for k, r in rows.items()
                                           if any(r.values())])
        _upsert(HoursTally, HOURS_KEY, ("count",), [k + (n,) for k, n in self.hours.items() if n])
        _upsert(PlaceTally, PLACE_KEY, PLACE_COUNTERS, [k + tuple(r[c] for c in PLACE_COUNTERS)
                                                        for k, r in self.places.items() if any(r.values())])


def _add(row: dict, counts: dict, sign: int) -> None:
    for name, value in counts.items():
        row[name] += sign * value


def _kept(config: dict, level: str, category: int):
    """(grain, category) of the rows a level keeps: per category where it does, and all together."""
    for grain, per_category in config.get(level, {}).items():
        if per_category:
            yield grain, category
        yield grain, ALL_CATEGORIES


def _upsert(model, key: tuple[str, ...], values: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET v = v + excluded.v (SQLite and PostgreSQL),
    in key order so that two transactions never wait on each other crosswise."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = key + values
    head = f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES "
    tail = (f" ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET "
            + ", ".join(f"{q(v)} = {table}.{q(v)} + excluded.{q(v)}" for v in values))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows.sort()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 200):
            chunk = rows[start:start + 200]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row])


# --- From the timeline -----------------------------------------------------------

def work_out(appeal_ids, places=None, calendar=None, rows: dict | None = None) -> dict[int, Request]:
    """The requests' facts as their timelines give them now. rows: the requests'
    fields (`_row`) already in memory; the others are read."""
    places = places or tree()
    calendar = calendar or WorkCalendar.load()
    events = defaultdict(list)
    for e in (AppealEvent.objects.filter(appeal_id__in=appeal_ids).order_by("appeal_id", "at", "id")
              .values("appeal_id", "action", "at", "data")):
        events[e["appeal_id"]].append(e)
    wanted = set(appeal_ids)
    rows = {pk: row for pk, row in (rows or {}).items() if pk in wanted}
    missing = [pk for pk in wanted if pk not in rows]
    if missing:
        rows.update((row["id"], row) for row in Appeal.objects.filter(pk__in=missing).values(*ROW_FIELDS))
    return {pk: request_of(row, events[pk], places, calendar) for pk, row in rows.items()}


def stored(appeal_ids) -> dict[int, Request]:
    """The requests' facts as they are stored."""
    found: dict[int, Request] = {}
    for f in Fact.objects.filter(appeal_id__in=appeal_ids):
        req = found.get(f.appeal_id)
        if req is None:
            req = found[f.appeal_id] = Request(
                appeal_id=f.appeal_id, day=f.day, node=f.node, county=f.county, town=f.town,
                community=f.community, category=f.category, channel=f.channel, type=f.type, urgency=f.urgency,
                parts={})
        req.parts[f.unit] = Part(f.unit, f.owner, {c: getattr(f, c) for c in COUNTERS}, f.hours_tenths)
    return found


def fact_rows(req: Request) -> list[Fact]:
    return [Fact(appeal_id=req.appeal_id, unit=p.unit, owner=p.owner, day=req.day, node=req.node,
                 county=req.county, town=req.town, community=req.community, category=req.category,
                 channel=req.channel, type=req.type, urgency=req.urgency, hours_tenths=p.hours_tenths,
                 **p.counts) for p in req.parts.values()]


def same(a: Request | None, b: Request | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.key() == b.key() and {u: (p.owner, p.counts, p.hours_tenths) for u, p in a.parts.items()} == \
        {u: (p.owner, p.counts, p.hours_tenths) for u, p in b.parts.items()}


def _replace_facts(appeal_ids, new: dict[int, Request]) -> None:
    Fact.objects.filter(appeal_id__in=appeal_ids).delete()
    Fact.objects.bulk_create([row for pk in appeal_ids if pk in new for row in fact_rows(new[pk])], batch_size=2000)


def refresh(appeal_ids, rows: dict | None = None) -> int:
    """Works the requests out again and moves the tallies by the difference.
    Returns how many requests' facts changed."""
    appeal_ids = sorted(set(appeal_ids))
    if not appeal_ids:
        return 0
    with transaction.atomic(savepoint=False):
        new = work_out(appeal_ids, rows=rows)
        old = stored(appeal_ids)
        changed = [pk for pk in appeal_ids if not same(new.get(pk), old.get(pk))]
        if not changed:
            return 0
        delta = Delta()
        for pk in changed:
            delta.add(old.get(pk), -1).add(new.get(pk), 1)
        _replace_facts(changed, new)
        delta.apply()
    return len(changed)


def on_events(sender, events, **kwargs) -> None:
    """A submission starts a request's timeline: its facts come from the event
    and the request in memory, with nothing stored to take away (intake is the
    busiest write there is). Any other event works its requests out again."""
    ids = {e.appeal_id for e in events}
    rows = {e.appeal_id: _row(e.appeal) for e in events if "appeal" in e._state.fields_cache}
    first = [e for e in events if e.action == "submit" and e.appeal_id in rows]
    if len(first) == len(events) == len(ids):
        places, calendar = tree(), WorkCalendar.load()
        new = {e.appeal_id: request_of(rows[e.appeal_id], [{"action": e.action, "at": e.at, "data": e.data}],
                                       places, calendar) for e in first}
        Fact.objects.bulk_create([row for req in new.values() for row in fact_rows(req)])
        delta = Delta()
        for req in new.values():
            delta.add(req)
        delta.apply()
        return
    refresh(ids, rows)


def _row(appeal: Appeal) -> dict:
    """The request's fields `request_of` reads, as `work_out` queries them."""
    return {"id": appeal.pk, "category_id": appeal.category_id, "channel": appeal.channel, "type": appeal.type,
            "urgency": appeal.urgency, "node_id": appeal.node_id, "created_at": appeal.created_at}


def on_appeal_deleted(sender, instance, **kwargs) -> None:
    """A deleted request (a demo reload, a test) leaves the figures too."""
    old = stored([instance.pk])
    if old:
        Delta().add(old[instance.pk], -1).apply()
        Fact.objects.filter(appeal_id=instance.pk).delete()


def on_tree_moved(sender, node: Node, old_path: str, new_path: str, **kwargs) -> None:
    """A moved subtree's requests now lie in other towns or counties."""
    places = Node.objects.filter(path__startswith=new_path).values_list("pk", flat=True)
    ids = list(Fact.objects.filter(node__in=list(places)).values_list("appeal_id", flat=True).distinct())
    for start in range(0, len(ids), 1000):
        refresh(ids[start:start + 1000])


# --- Rebuilding -------------------------------------------------------------------

def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"date({column}, 'start of month')"


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('year', {column})::date"
    return f"date({column}, 'start of year')"


def _sum_statements() -> list[str]:
    """The SQL that sums the facts into the tallies: each chain's finest grain
    from the facts, the coarser ones from the grain before."""
    q = connection.ops.quote_name
    fact = q(Fact._meta.db_table)
    trunc = {Grain.DAY: lambda column: column, Grain.MONTH: _month, Grain.YEAR: _year}
    counters = [q(c) for c in COUNTERS]

    def of_kind(level: str) -> str:  # the tally rows of one level (units have the negative scopes)
        if level == "unit":
            return f"(SELECT -{q('id')} FROM {q(Unit._meta.db_table)})"
        return f"(SELECT {q('id')} FROM {q(Node._meta.db_table)} WHERE {q('kind')} = '{level}')"

    def chain(model, level, grains, dims, per_category, values):
        """INSERTs for one level's grains; dims: (column, expression over the facts);
        values: (column, aggregate over the facts, aggregate over the tally rows)."""
        table = q(model._meta.db_table)
        cols = ", ".join([q("scope"), q("grain"), q("period"), q("category"), *(q(c) for c, _e in dims),
                          *(q(c) for c, _f, _t in values)])
        scope = f"-{q('unit')}" if level == "unit" else q(level)
        category = q("category") if per_category else str(ALL_CATEGORIES)
        out, source = [], None
        for grain in grains:
            if source is None:
                period = trunc[grain](q("day"))
                exprs = [e for _c, e in dims]
                # (a constant in GROUP BY would be a column position to SQLite)
                group = [scope, period, *([category] if per_category else []), *exprs]
                out.append(
                    f"INSERT INTO {table} ({cols}) SELECT {scope}, '{grain}', {period}, {category}, "
                    f"{', '.join([*exprs, *(f for _c, f, _t in values)])} FROM {fact} WHERE {q(level)} <> 0"
                    + (f" AND {q('owner')} AND {q('hours_tenths')} IS NOT NULL" if model is HoursTally else "")
                    + (f" AND {q('owner')}" if model is PlaceTally else "")
                    + f" GROUP BY {', '.join(group)}")
            else:
                period = trunc[grain](q("period"))
                keep = f"{q('category')} <> {ALL_CATEGORIES}" if per_category else f"{q('category')} = {ALL_CATEGORIES}"
                dim_cols = [q(c) for c, _e in dims]
                out.append(
                    f"INSERT INTO {table} ({cols}) SELECT {q('scope')}, '{grain}', {period}, {q('category')}, "
                    f"{', '.join([*dim_cols, *(t for _c, _f, t in values)])} FROM {table} "
                    f"WHERE {q('grain')} = '{source}' AND {keep} AND {q('scope')} IN {of_kind(level)} "
                    f"GROUP BY {', '.join([q('scope'), period, q('category'), *dim_cols])}")
            source = grain
        return out

    counted = [(c, f"SUM({c})", f"SUM({c})") for c in counters]
    bucket = HOURS_BUCKET_SQL.format(h=q("hours_tenths"))
    out = []
    for level, grains in TALLY_GRAINS.items():
        out += chain(Tally, level, grains, [("channel", q("channel"))], True, counted)
    placed = [(c, f"SUM({c})", f"SUM({c})") for c in (q(c) for c in PLACE_COUNTERS)]
    for model, config, dims, values in (
            (UnitTally, UNIT_GRAINS, [("unit", q("unit"))], counted),
            (HoursTally, HOURS_GRAINS, [("tenths", bucket)], [("count", "COUNT(*)", f"SUM({q('count')})")]),
            (PlaceTally, PLACE_GRAINS, [("node", q("node"))], placed)):
        for level, grains in config.items():
            out += chain(model, level, [g for g, per in grains.items() if per], dims, True, values)
            out += chain(model, level, list(grains), dims, False, values)
    return out


def rebuild_tallies() -> None:
    """Sums the stored facts into the tallies afresh, in SQL: minutes at ten
    million requests, not hours."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Tally, UnitTally, HoursTally, PlaceTally):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        for statement in _sum_statements():
            cursor.execute(statement)


def _stored_rows(model, key, values) -> dict:
    rows = model.objects.values_list(*key, *values).order_by().iterator(chunk_size=5000)
    n = len(key)
    return {r[:n]: r[n:] for r in rows if any(r[n:])}


def tally_differences() -> tuple[int, int]:
    """(count rows, handling-time rows) that differ from what the stored facts add up to."""
    want = Delta()
    ids = list(Fact.objects.values_list("appeal_id", flat=True).distinct())
    for start in range(0, len(ids), 5000):
        for req in stored(ids[start:start + 5000]).values():
            want.add(req)
    differ = 0
    for model, key, rows, values in ((Tally, TALLY_KEY, want.tallies, COUNTERS),
                                     (UnitTally, UNIT_KEY, want.units, COUNTERS),
                                     (PlaceTally, PLACE_KEY, want.places, PLACE_COUNTERS)):
        expected = {k: tuple(r[c] for c in values) for k, r in rows.items() if any(r.values())}
        have = _stored_rows(model, key, values)
        differ += sum(1 for k in expected.keys() | have.keys() if expected.get(k) != have.get(k))
    expected_h = {k: (n,) for k, n in want.hours.items() if n}
    have_h = _stored_rows(HoursTally, HOURS_KEY, ("count",))
    return differ, sum(1 for k in expected_h.keys() | have_h.keys() if expected_h.get(k) != have_h.get(k))


def fact_differences(batch: int = 2000, fix: bool = False, progress=None) -> int:
    """Requests whose stored facts differ from their timeline (replaced when `fix`)."""
    places, calendar = tree(), WorkCalendar.load()
    differ = 0
    ids = list(Appeal.objects.order_by("pk").values_list("pk", flat=True))
    stray = set(Fact.objects.values_list("appeal_id", flat=True).distinct()) - set(ids)
    if stray:
        differ += len(stray)
        if fix:
            Fact.objects.filter(appeal_id__in=stray).delete()
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        new, old = work_out(chunk, places, calendar), stored(chunk)
        changed = [pk for pk in chunk if not same(new.get(pk), old.get(pk))]
        differ += len(changed)
        if fix and changed:
            with transaction.atomic():
                _replace_facts(changed, new)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return differ
