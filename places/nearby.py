"""The nearest places: "where is the nearest place open now where I can heat
my lunch". A bounding box on the indexed position narrows the rows in the
database; exact distances, opening hours and the order are worked out here,
so that no GIS extension is needed on SQLite or PostgreSQL (bench/places.py
measures it with 10,000 places). Only a few columns of each place in range
are read to count, filter and sort them; the details are read for the page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hubiying.refdata import Reference
from organisations.tree import tree
from workcalendar.calendar import WorkCalendar

from . import hours
from .models import Place, Service, SpecialDay

EARTH_M = 6_371_000.0
WALK_M_PER_MIN = 80  # 4.8 km/h, an unhurried adult
DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 20_000


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def walking(straight_m: float) -> float:
    """The walking distance a straight line stands for: streets are not
    straight (HUBIYING_WALK_DETOUR, 1.3 by default)."""
    return straight_m * settings.HUBIYING_WALK_DETOUR


@dataclass
class Found:
    place: Place
    distance: float | None  # straight line, metres
    at: datetime = field(repr=False)
    calendar: WorkCalendar = field(repr=False)
    rules: hours.Rules = field(repr=False)  # its hours and special days from yesterday on
    services: list[Service] = field(default_factory=list)  # the active ones it offers

    @cached_property
    def status(self) -> hours.Status:
        """Worked out when asked: a page shows 20 of the places in range."""
        return hours.status(self.rules, self.at, self.calendar)

    @property
    def walk_m(self) -> int | None:
        return None if self.distance is None else round(walking(self.distance))

    @property
    def walk_min(self) -> int | None:
        return None if self.distance is None else max(1, math.ceil(walking(self.distance) / WALK_M_PER_MIN))


def _active_services() -> dict[int, Service]:
    return {s.pk: s for s in Service.objects.filter(active=True)}


_CATALOGUE = Reference(_active_services, watch=(Service,))


class Hit(NamedTuple):
    """One place in the answer before its details are read."""

    distance: float | None
    name: str
    pk: int
    special: bool = True  # has a special day from yesterday to the end of the week shown (True: not known)


class Results(Sequence):
    """The places found, nearest first: counted and sorted from a few columns
    of every place in range, each place's details (services, hours, community)
    read only for the rows a page shows. Slice it, as a paginator does."""

    def __init__(self, hits: list[Hit], at: datetime, calendar: WorkCalendar):
        self.hits, self.at, self.calendar = hits, at, calendar

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._load(self.hits[index])
        return self._load([self.hits[index]])[0]

    def __iter__(self):
        for start in range(0, len(self.hits), 200):
            yield from self._load(self.hits[start:start + 200])

    def _load(self, hits: list[Hit]) -> list[Found]:
        """The page's places with their community, and their hours and
        services as plain rows (a few queries for the page, whatever its size)."""
        pks = [h.pk for h in hits]
        places = Place.objects.in_bulk(pks)
        nodes = tree().by_id
        for place in places.values():
            if place.node_id in nodes:
                place.node = nodes[place.node_id]  # the per-process tree's node, read-only
        today = timezone.localtime(self.at).date()
        rules = rules_for(places.values(), today - timedelta(days=1), today + timedelta(days=hours.LOOKAHEAD_DAYS),
                          special={h.pk for h in hits if h.special})
        catalogue = _CATALOGUE.get()
        offered: dict[int, list[Service]] = {}
        for pk, service in (Place.services.through.objects.filter(place_id__in=pks)
                            .values_list("place_id", "service_id")):
            if service in catalogue:
                offered.setdefault(pk, []).append(catalogue[service])
        for services in offered.values():
            services.sort(key=lambda s: (s.order, s.code))
        # A place deleted since the count was taken drops out of the page.
        return [Found(places[h.pk], h.distance, self.at, self.calendar, rules[h.pk], offered.get(h.pk, []))
                for h in hits if h.pk in places]


def search(qs: QuerySet, *, lat: float | None = None, lng: float | None = None, radius: float | None = None,
           service: str = "", kind: str = "", open_now: bool = False, at: datetime | None = None) -> Results:
    """Places of `qs` matching the filters, nearest first (by name without a
    position), each with its distance and whether it is open at `at`.

    The box around the point is the narrowest filter, so it alone selects the
    rows and the service and the opening hours are checked on them: whether a
    row offers the service is a column, one probe of the unique index on
    (place, service) each (as a filter, PostgreSQL would start from every
    place that offers hot water in the city)."""
    at = at or timezone.now()
    calendar = WorkCalendar.load()
    wanted = None
    if service:
        wanted = next((s.pk for s in _CATALOGUE.get().values() if s.code == service), None)
        if wanted is None:  # no such active service: nothing offers it
            return Results([], at, calendar)
    if kind:
        qs = qs.filter(kind=kind)
    positioned = lat is not None and lng is not None
    radius = min(radius or DEFAULT_RADIUS_M, MAX_RADIUS_M)
    if positioned:
        qs = qs.in_box(lat, lng, radius)
    columns = ["pk", "name", "lat", "lng", "special"] + (
        ["week", "open_24h", "holidays", "follows_workdays"] if open_now else [])
    # Whether a place has a special day that counts (from yesterday to the week a page shows): a probe
    # of each row, so that only the few that do have theirs read.
    today = timezone.localtime(at).date()
    qs = qs.annotate(special=Exists(SpecialDay.objects.filter(
        place_id=OuterRef("pk"), last__gte=today - timedelta(days=1),
        first__lte=today + timedelta(days=hours.LOOKAHEAD_DAYS))))
    if wanted is not None:
        qs = qs.annotate(offers=Exists(Place.services.through.objects.filter(place_id=OuterRef("pk"),
                                                                             service_id=wanted)))
        columns.append("offers")
    hits = []
    for row in qs.order_by().values_list(*columns, named=True):
        if wanted is not None and not row.offers:
            continue
        distance = metres(lat, lng, row.lat, row.lng) if positioned else None
        if distance is None or distance <= radius:
            hits.append((row, distance))
    if open_now:
        open_pks = _open(hits, at, calendar)
        hits = [(row, distance) for row, distance in hits if row.pk in open_pks]
    found = [Hit(distance, row.name, row.pk, row.special) for row, distance in hits]
    found.sort(key=(lambda h: (h.distance, h.pk)) if positioned else (lambda h: (h.name, h.pk)))
    return Results(found, at, calendar)


def _open(hits, at: datetime, calendar: WorkCalendar) -> set[int]:
    """The places of `hits` open at `at`. Only yesterday's and today's rules
    count; places with the same hours and no special day then share one
    answer (shops keep a few common hours)."""
    today = timezone.localtime(at).date()
    flagged = [row.pk for row, _distance in hits if row.special]
    specials = _specials(today - timedelta(days=1), today, Q(place__in=flagged)) if flagged else {}
    is_open = hours.open_at(at, calendar)
    shared: dict[tuple, bool] = {}
    found = set()
    for row, _distance in hits:
        if row.pk in specials:
            verdict = is_open(hours.Rules.build(row.week, specials[row.pk], row.open_24h, row.holidays,
                                                row.follows_workdays))
        else:
            same = (row.week, (), row.open_24h, row.holidays, row.follows_workdays)
            verdict = shared.get(same)
            if verdict is None:
                verdict = shared[same] = is_open(hours.Rules(*same))
        if verdict:
            found.add(row.pk)
    return found


def rules_for(places, first: date, last: date, special: set[int] | None = None) -> dict[int, hours.Rules]:
    """The opening rules of `places` (each with pk, week, open_24h, holidays
    and follows_workdays) from `first` to `last`: their weekly rows and the
    special days overlapping those dates, in one query (none when `special`,
    the places known to have any, is empty)."""
    places = list(places)
    wanted = [p.pk for p in places if special is None or p.pk in special]
    specials = _specials(first, last, Q(place__in=wanted)) if wanted else {}
    return {p.pk: hours.Rules.build(p.week, specials.get(p.pk, ()), p.open_24h, p.holidays, p.follows_workdays)
            for p in places}


def _specials(first: date, last: date, where: Q) -> dict[int, list[tuple]]:
    """(first, last, opens, closes, note) of the special days overlapping
    `first`–`last`, by place."""
    specials: dict[int, list] = {}
    for pk, *row in (SpecialDay.objects.filter(where, first__lte=last, last__gte=first).order_by("first", "id")
                     .values_list("place_id", "first", "last", "opens", "closes", "note")):
        specials.setdefault(pk, []).append(tuple(row))
    return specials
