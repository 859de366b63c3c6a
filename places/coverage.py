"""The 15-minute life circle's coverage: for every compound, the walking
distance to the nearest place of each kind, and the circle it falls in.

Walking distance is the straight line times HUBIYING_WALK_DETOUR, or, where
the area has a road network loaded (`roads.py`), the metres along it. With
500 compounds and 300 places the straight lines are 150,000 distances in
plain Python, well under a second (bench/places.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from organisations.models import Node

from . import roads
from .models import Circle, Place, RoadNetwork
from .nearby import metres, walking

BANDS = ("5", "10", "15", "out")


@dataclass
class Nearest:
    place: Place | None
    walk_m: int | None
    band: str  # one of BANDS ("out" too when there is no place of the kind at all)


@dataclass
class Row:
    compound: Node
    community: Node | None
    nearest: dict[str, Nearest] = field(default_factory=dict)  # kind -> nearest


@dataclass
class Coverage:
    kinds: list[str]
    circles: dict[str, Circle]
    rows: list[Row]
    network: RoadNetwork | None = None  # the road network the distances follow, if any

    def outside(self, kind: str, band: str = "15") -> list[Row]:
        """Compounds beyond the given circle of `kind` (by default, outside the 15-minute one)."""
        limit = BANDS.index(band)
        return [r for r in self.rows if BANDS.index(r.nearest[kind].band) > limit]

    def counts(self, kind: str) -> dict[str, int]:
        out = dict.fromkeys(BANDS, 0)
        for row in self.rows:
            out[row.nearest[kind].band] += 1
        return out


def circles() -> dict[str, Circle]:
    """Every kind's circle: the admin's row, else GB 50180-2018's 300/500/1,000 m."""
    stored = {c.kind: c for c in Circle.objects.all()}
    return {kind: stored.get(kind) or Circle(kind=kind) for kind in Place.Kind.values}


def band(circle: Circle, walk_m: float | None) -> str:
    if walk_m is None:
        return "out"
    if walk_m <= circle.five:
        return "5"
    if walk_m <= circle.ten:
        return "10"
    if walk_m <= circle.fifteen:
        return "15"
    return "out"


def compute(compounds: list[Node], places: list[Place], kinds: list[str] | None = None,
            network: RoadNetwork | None = None) -> Coverage:
    """Coverage of `compounds` (those without a position are left out) by
    `places`, along `network`'s roads when given."""
    kinds = kinds or list(Place.Kind.values)
    rules = circles()
    by_kind: dict[str, list[Place]] = {k: [] for k in kinds}
    for place in places:
        if place.kind in by_kind:
            by_kind[place.kind].append(place)
    graph = roads.graph_of(network) if network is not None else None
    # Along the roads, as far as twice the widest circle: a place further than that is out anyway.
    limit = 2 * max((rules[k].fifteen for k in kinds), default=0)
    snapped = {id(place): graph.snap(place.lat, place.lng) for place in places} if graph else {}
    rows = []
    for compound in compounds:
        if compound.lat is None or compound.lng is None:
            continue
        row = Row(compound, getattr(compound, "community", None))
        start = graph.snap(compound.lat, compound.lng) if graph else None
        reached = graph.reach(start[0], limit) if start else None
        for kind in kinds:
            best, best_m = None, None
            for place in by_kind[kind]:
                end = snapped.get(id(place))
                if reached is not None and end is not None:
                    along = reached.get(end[0])
                    if along is None:
                        continue  # not within reach on foot
                    d = start[1] + along + end[1]
                else:
                    d = walking(metres(compound.lat, compound.lng, place.lat, place.lng))
                if best_m is None or d < best_m:
                    best, best_m = place, d
            walk = None if best_m is None else round(best_m)
            row.nearest[kind] = Nearest(best, walk, band(rules[kind], walk))
        rows.append(row)
    return Coverage(kinds, rules, rows, network)
