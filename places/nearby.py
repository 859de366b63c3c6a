"""The nearest places: "where is the nearest place open now where I can heat
my lunch". A bounding box on the indexed position narrows the rows in the
database; exact distances, opening hours and the order are worked out here,
so that no GIS extension is needed on SQLite or PostgreSQL (bench/places.py
measures it with 10,000 places)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from workcalendar.calendar import WorkCalendar

from . import hours
from .models import Place, Service

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

    @cached_property
    def status(self) -> hours.Status:
        """Worked out when asked: a page shows 20 of the places in range."""
        return hours.status(self.place, self.at, self.calendar)

    @property
    def walk_m(self) -> int | None:
        return None if self.distance is None else round(walking(self.distance))

    @property
    def walk_min(self) -> int | None:
        return None if self.distance is None else max(1, math.ceil(walking(self.distance) / WALK_M_PER_MIN))


def with_details(qs: QuerySet) -> QuerySet:
    return qs.select_related("node").prefetch_related(
        "hours", "special_days", Prefetch("services", queryset=Service.objects.filter(active=True)),
    )


def search(qs: QuerySet, *, lat: float | None = None, lng: float | None = None, radius: float | None = None,
           service: str = "", kind: str = "", open_now: bool = False, at: datetime | None = None) -> list[Found]:
    """Places of `qs` matching the filters, nearest first (by name without a
    position), each with its distance and whether it is open at `at`."""
    if service:
        qs = qs.filter(services__code=service, services__active=True)
    if kind:
        qs = qs.filter(kind=kind)
    radius = min(radius or DEFAULT_RADIUS_M, MAX_RADIUS_M)
    if lat is not None and lng is not None:
        qs = qs.in_box(lat, lng, radius)
    at = at or timezone.now()
    calendar = WorkCalendar.load()
    found = []
    for place in with_details(qs.distinct()):
        distance = None
        if lat is not None and lng is not None:
            distance = metres(lat, lng, place.lat, place.lng)
            if distance > radius:
                continue
        row = Found(place, distance, at, calendar)
        if open_now and not hours.is_open(place, at, calendar):
            continue
        found.append(row)
    if lat is not None and lng is not None:
        found.sort(key=lambda f: (f.distance, f.place.pk))
    else:
        found.sort(key=lambda f: (f.place.name, f.place.pk))
    return found
