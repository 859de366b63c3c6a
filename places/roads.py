"""Walking distances over a road network, where one is loaded.

A county loads the footways and streets of an area from a GeoJSON file
(LineString and MultiLineString features, [lng, lat] in WGS-84, as any OSM
export or GIS tool writes them): `manage.py load_roads FILE --area CODE`. Lines
that share a point are joined there. The coverage of that area's compounds
then counts metres along the network (Dijkstra from each compound, as far as
the widest circle needs) instead of the straight line times the detour
factor; a compound or place more than SNAP_M from any road is joined to the
nearest point of the network by a straight walk.
"""

from __future__ import annotations

import heapq
import json
import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import RoadNetwork

NOT_ON_FOOT = {"motorway", "motorway_link", "trunk", "trunk_link"}  # OSM highway values nobody walks along
GRID_DEG = 0.002  # ~200 m cells of the index that finds the nearest point
SNAP_M = 500  # further from the network than this, a point is not on it


class NetworkError(ValueError):
    """A file that is not a usable road network; the message says why, in the user's language."""


@dataclass
class Graph:
    points: list[tuple[float, float]]  # (lat, lng)
    edges: list[list[tuple[int, float]]]  # per point: (neighbour, metres)
    cells: dict[tuple[int, int], list[int]]

    @classmethod
    def build(cls, points: list[tuple[float, float]], pairs: list[tuple[int, int]]) -> Graph:
        from .nearby import metres

        edges: list[list[tuple[int, float]]] = [[] for _p in points]
        for a, b in pairs:
            m = metres(*points[a], *points[b])
            edges[a].append((b, m))
            edges[b].append((a, m))
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (lat, lng) in enumerate(points):
            cells[_cell(lat, lng)].append(i)
        return cls(points, edges, dict(cells))

    def snap(self, lat: float, lng: float) -> tuple[int, float] | None:
        """The nearest point of the network and the metres to it (None beyond SNAP_M)."""
        from .nearby import metres

        ci, cj = _cell(lat, lng)
        reach = math.ceil(SNAP_M / (GRID_DEG * 111_320 * max(math.cos(math.radians(lat)), 0.01))) + 1
        best = None
        for di in range(-reach, reach + 1):
            for dj in range(-reach, reach + 1):
                for i in self.cells.get((ci + di, cj + dj), ()):
                    m = metres(lat, lng, *self.points[i])
                    if best is None or m < best[1]:
                        best = (i, m)
        return best if best is not None and best[1] <= SNAP_M else None

    def reach(self, source: int, limit_m: float) -> dict[int, float]:
        """Metres along the network from `source` to every point within `limit_m`."""
        done: dict[int, float] = {}
        queue = [(0.0, source)]
        while queue:
            d, i = heapq.heappop(queue)
            if i in done:
                continue
            done[i] = d
            for j, m in self.edges[i]:
                if j not in done and d + m <= limit_m:
                    heapq.heappush(queue, (d + m, j))
        return done


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return int(lat // GRID_DEG), int(lng // GRID_DEG)


def parse_geojson(text: str) -> tuple[list[tuple[float, float]], list[tuple[int, int]]]:
    """Points and segments of the walkable lines of a GeoJSON document."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NetworkError(_("The file is not GeoJSON: %(error)s") % {"error": exc}) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise NetworkError(_("The file is not a GeoJSON FeatureCollection."))
    index: dict[tuple[float, float], int] = {}
    points: list[tuple[float, float]] = []
    pairs: set[tuple[int, int]] = set()

    def point(position) -> int:
        try:
            lng, lat = float(position[0]), float(position[1])
        except (TypeError, ValueError, IndexError):
            raise NetworkError(_("A line has a point that is not [longitude, latitude].")) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise NetworkError(_("A point lies outside the earth's coordinates: %(point)s") % {"point": position})
        key = (round(lat, 7), round(lng, 7))  # lines meeting at a point share it
        if key not in index:
            index[key] = len(points)
            points.append(key)
        return index[key]

    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        if properties.get("highway") in NOT_ON_FOOT or properties.get("foot") == "no":
            continue
        kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
        lines = [coordinates] if kind == "LineString" else coordinates if kind == "MultiLineString" else []
        for line in lines:
            ids = [point(p) for p in line]
            for a, b in zip(ids, ids[1:], strict=False):
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    if not pairs:
        raise NetworkError(_("The file holds no walkable lines (LineString or MultiLineString)."))
    return points, sorted(pairs)


_GRAPHS: dict[tuple[int, str], Graph] = {}
_LOCK = threading.Lock()


def graph_of(network: RoadNetwork) -> Graph:
    """The network's graph, built once per process and version."""
    key = (network.pk, network.loaded_at.isoformat())
    with _LOCK:
        graph = _GRAPHS.get(key)
        if graph is None:
            data = RoadNetwork.objects.values_list("graph", flat=True).get(pk=network.pk)
            graph = Graph.build([tuple(p) for p in data["points"]], [tuple(e) for e in data["edges"]])
            for old in [k for k in _GRAPHS if k[0] == network.pk]:
                del _GRAPHS[old]
            _GRAPHS[key] = graph
        return graph


def network_for(node) -> RoadNetwork | None:
    """The road network loaded for `node` or its nearest ancestor that has one."""
    codes = [c for c in node.path.strip("/").split("/") if c]
    networks = {n.node.code: n for n in RoadNetwork.objects.filter(node__code__in=codes).select_related("node")
                .defer("graph")}
    return next((networks[c] for c in reversed(codes) if c in networks), None)
