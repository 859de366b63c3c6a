"""Keeping the figures in step with the timeline.

`on_events` receives `appeals.signals.events_written` inside the transaction
that wrote the events: each request touched is worked out again from its whole
timeline (analysis.facts), and the difference between its new and its old
facts is added to the tallies, so a later event can move a request from one
unit to another, or from "open" to "replied", without a recount. `rebuild`
works everything out again from the timeline and says what differed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import TruncMonth, TruncYear

from appeals.models import Appeal, AppealEvent
from organisations.models import Node
from organisations.tree import tree
from workcalendar.calendar import WorkCalendar

from .facts import Part, Request, request_of
from .models import COUNTERS, Fact, Grain, HoursTally, Tally, unit_scope

TALLY_KEY = ("scope", "grain", "period", "category", "unit", "channel", "type", "urgency")
HOURS_KEY = ("scope", "grain", "period", "category", "tenths")
ROW_FIELDS = ("id", "category_id", "channel", "type", "urgency", "node_id", "created_at")
LEVELS = ("county", "town", "community")


def periods(day: date) -> tuple[tuple[str, date], ...]:
    return ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1)), (Grain.YEAR, day.replace(month=1, day=1)))


def scopes_of_part(req: Request, part: Part) -> list[int]:
    scopes = [s for s in (req.county, req.town, req.community) if s]
    if part.unit:
        scopes.append(unit_scope(part.unit))
    return scopes


def contributions(req: Request | None, sign: int = 1, tallies=None, hours=None):
    """Adds (sign=1) or takes away (-1) what `req` contributes to the tally rows."""
    tallies = tallies if tallies is not None else defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    hours = hours if hours is not None else defaultdict(int)
    if req is None:
        return tallies, hours
    for part in req.parts.values():
        nonzero = {k: v for k, v in part.counts.items() if v}
        for scope in scopes_of_part(req, part):
            for grain, period in periods(req.day):
                if nonzero:
                    row = tallies[(scope, grain, period, req.category, part.unit, req.channel, req.type,
                                   req.urgency)]
                    for name, value in nonzero.items():
                        row[name] += sign * value
                if part.owner and part.hours_tenths is not None:
                    hours[(scope, grain, period, req.category, part.hours_tenths)] += sign
    return tallies, hours


def _upsert(model, key: tuple[str, ...], values: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET v = v + excluded.v (SQLite and PostgreSQL),
    in key order so that two transactions never wait on each other crosswise."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = key + values
    head = (f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES ")
    tail = (f" ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET "
            + ", ".join(f"{q(v)} = {table}.{q(v)} + excluded.{q(v)}" for v in values))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows.sort()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 200):
            chunk = rows[start:start + 200]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row])


def apply(tallies, hours) -> None:
    _upsert(Tally, TALLY_KEY, COUNTERS, [
        key + tuple(row[c] for c in COUNTERS) for key, row in tallies.items() if any(row.values())
    ])
    _upsert(HoursTally, HOURS_KEY, ("count",), [key + (n,) for key, n in hours.items() if n])


# --- From the timeline -----------------------------------------------------------

def work_out(appeal_ids, places=None, calendar=None) -> dict[int, Request]:
    """The requests' facts as their timelines give them now."""
    places = places or tree()
    calendar = calendar or WorkCalendar.load()
    events = defaultdict(list)
    for e in (AppealEvent.objects.filter(appeal_id__in=appeal_ids).order_by("appeal_id", "at", "id")
              .values("appeal_id", "action", "at", "data")):
        events[e["appeal_id"]].append(e)
    return {row["id"]: request_of(row, events[row["id"]], places, calendar)
            for row in Appeal.objects.filter(pk__in=appeal_ids).values(*ROW_FIELDS)}


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


def refresh(appeal_ids) -> int:
    """Works the requests out again and moves the tallies by the difference.
    Returns how many requests' facts changed."""
    appeal_ids = sorted(set(appeal_ids))
    if not appeal_ids:
        return 0
    with transaction.atomic():
        new = work_out(appeal_ids)
        old = stored(appeal_ids)
        changed = [pk for pk in appeal_ids if not same(new.get(pk), old.get(pk))]
        if not changed:
            return 0
        tallies, hours = contributions(None)
        for pk in changed:
            contributions(old.get(pk), -1, tallies, hours)
            contributions(new.get(pk), 1, tallies, hours)
        Fact.objects.filter(appeal_id__in=changed).delete()
        Fact.objects.bulk_create([row for pk in changed if pk in new for row in fact_rows(new[pk])])
        apply(tallies, hours)
    return len(changed)


def on_events(sender, events, **kwargs) -> None:
    refresh({e.appeal_id for e in events})


def on_appeal_deleted(sender, instance, **kwargs) -> None:
    """A deleted request (a demo reload, a test) leaves the figures too."""
    old = stored([instance.pk])
    if old:
        apply(*contributions(old[instance.pk], -1))
        Fact.objects.filter(appeal_id=instance.pk).delete()


def on_tree_moved(sender, node: Node, old_path: str, new_path: str, **kwargs) -> None:
    """A moved subtree's requests now lie in other towns or counties."""
    places = Node.objects.filter(path__startswith=new_path).values_list("pk", flat=True)
    ids = list(Fact.objects.filter(node__in=list(places)).values_list("appeal_id", flat=True).distinct())
    for start in range(0, len(ids), 1000):
        refresh(ids[start:start + 1000])


# --- Rebuilding -------------------------------------------------------------------

def _scope_expr(level: str):
    return F(level) if level != "unit" else -F("unit")


def expected_tallies():
    """The tally rows the stored facts add up to, in TALLY_KEY order (a generator of dicts)."""
    sums = {c: Sum(c) for c in COUNTERS}
    for level in (*LEVELS, "unit"):
        for grain, trunc in ((Grain.DAY, F("day")), (Grain.MONTH, TruncMonth("day")), (Grain.YEAR, TruncYear("day"))):
            qs = (Fact.objects.exclude(**{level: 0}).annotate(scope=_scope_expr(level), grain=Value(grain),
                                                               period=trunc)
                  .values("scope", "grain", "period", "category", "unit", "channel", "type", "urgency")
                  .annotate(**sums).order_by())
            yield from qs.iterator(chunk_size=5000)


def expected_hours():
    for level in (*LEVELS, "unit"):
        for grain, trunc in ((Grain.DAY, F("day")), (Grain.MONTH, TruncMonth("day")), (Grain.YEAR, TruncYear("day"))):
            qs = (Fact.objects.filter(owner=True, hours_tenths__isnull=False).exclude(**{level: 0})
                  .annotate(scope=_scope_expr(level), grain=Value(grain), period=trunc, tenths=F("hours_tenths"))
                  .values("scope", "grain", "period", "category", "tenths").annotate(count=Count("id")).order_by())
            yield from qs.iterator(chunk_size=5000)


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _keyed(rows, key, values):
    out = {}
    for row in rows:
        vals = tuple(row[v] for v in values)
        if any(vals):
            out[tuple(_as_date(row[k]) if k == "period" else row[k] for k in key)] = vals
    return out


def tally_differences() -> tuple[int, int]:
    """(tally rows, hour rows) that differ from what the stored facts add up to."""
    want = _keyed(expected_tallies(), TALLY_KEY, COUNTERS)
    have = _keyed(Tally.objects.values(*TALLY_KEY, *COUNTERS).iterator(chunk_size=5000), TALLY_KEY, COUNTERS)
    tally_diff = sum(1 for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    want_h = _keyed(expected_hours(), HOURS_KEY, ("count",))
    have_h = _keyed(HoursTally.objects.values(*HOURS_KEY, "count").iterator(chunk_size=5000), HOURS_KEY, ("count",))
    hours_diff = sum(1 for k in want_h.keys() | have_h.keys() if want_h.get(k) != have_h.get(k))
    return tally_diff, hours_diff


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
                Fact.objects.filter(appeal_id__in=changed).delete()
                Fact.objects.bulk_create([r for pk in changed for r in fact_rows(new[pk])], batch_size=2000)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return differ


def rebuild_tallies() -> None:
    """Sums the stored facts into the tallies afresh."""
    with transaction.atomic():
        Tally.objects.all().delete()
        HoursTally.objects.all().delete()
        batch = []
        for row in expected_tallies():
            row["period"] = _as_date(row["period"])
            batch.append(Tally(**row))
            if len(batch) >= 5000:
                Tally.objects.bulk_create(batch)
                batch = []
        Tally.objects.bulk_create(batch)
        HoursTally.objects.bulk_create(
            [HoursTally(**{**row, "period": _as_date(row["period"])}) for row in expected_hours()], batch_size=5000)
