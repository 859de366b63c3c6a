"""The hotspot map: where in a scope residents ask, by compound or by grid.

Each request counts at the place it was made at (`Query.places`); by grid, a
compound's requests count for its grid. A place is drawn at its own
coordinates or, where it has none, at those of the nearest place above it
that has them (a request is never drawn at its own, home-level, location).
"""

from __future__ import annotations

from organisations.models import Node
from organisations.tree import tree

from .figures import Query
from .models import PLACE_COUNTERS

LEVELS = ("compound", "grid")
LIMIT = 300  # markers on one map: the places with most requests


def located(places, node: Node) -> Node | None:
    """The node itself or the nearest one above it that has coordinates."""
    for candidate in reversed(places.ancestors(node)):
        if candidate.lat is not None and candidate.lng is not None:
            return candidate
    return None


def hotspots(query: Query, level: str = "compound") -> dict:
    """{"places": [marker …] most requests first, "unplaced": requests of places
    without coordinates, "more": places left off beyond LIMIT}."""
    places = tree()
    by: dict[int, dict] = {}
    unplaced = 0
    for node_id, counts in query.places().items():
        node = places.by_id.get(node_id)
        if node is None or not counts["received"]:
            continue
        if level == "grid" and node.kind == Node.Kind.COMPOUND:
            node = places.ancestor_of_kind(node, Node.Kind.GRID) or node
        spot = located(places, node)
        if spot is None:
            unplaced += counts["received"]
            continue
        row = by.get(node.pk)
        if row is None:
            parent = places.by_id.get(node.parent_id)
            row = by[node.pk] = {"id": node.pk, "name": node.name, "kind": node.kind,
                                 "within": parent.name if parent else "", "lat": spot.lat, "lng": spot.lng,
                                 **dict.fromkeys(PLACE_COUNTERS, 0)}
        for name in PLACE_COUNTERS:
            row[name] += counts[name]
    rows = sorted(by.values(), key=lambda r: (-r["received"], r["name"]))
    return {"places": rows[:LIMIT], "unplaced": unplaced, "more": max(0, len(rows) - LIMIT)}
