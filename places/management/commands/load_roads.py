"""Load the walkable lines of an area from a GeoJSON file, so that its
15-minute circle coverage counts metres along the roads:

    manage.py load_roads roads.geojson --area CODE [--name NAME]

A second load for the same area replaces the first. `--remove` drops the
area's network (the coverage goes back to the straight line × detour)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from organisations.models import Node
from places.models import RoadNetwork
from places.nearby import metres
from places.roads import NetworkError, parse_geojson


class Command(BaseCommand):
    help = "Load an area's road network (GeoJSON lines) for walking distances in the coverage."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a GeoJSON FeatureCollection of LineString features")
        parser.add_argument("--area", required=True, help="code of the tree node the network covers")
        parser.add_argument("--name", default="", help="a name for the network (default: the file's name)")
        parser.add_argument("--remove", action="store_true", help="remove the area's network instead")

    def handle(self, *args, file, area, name, remove, **opts):
        node = Node.objects.filter(code=area).first()
        if node is None:
            raise CommandError(f"No tree node with the code {area!r}.")
        if remove:
            deleted, _rows = RoadNetwork.objects.filter(node=node).delete()
            self.stdout.write(f"Removed the road network of {node.name}." if deleted else
                              f"{node.name} has no road network.")
            return
        if not file:
            raise CommandError("Name the GeoJSON file to load (or --remove).")
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        try:
            points, edges = parse_geojson(text)
        except NetworkError as exc:
            raise CommandError(str(exc)) from None
        length = sum(metres(*points[a], *points[b]) for a, b in edges)
        with transaction.atomic():
            RoadNetwork.objects.update_or_create(node=node, defaults={
                "name": name or path.stem, "graph": {"points": points, "edges": edges}, "points": len(points),
                "length_m": round(length), "loaded_at": timezone.now(),
            })
        self.stdout.write(f"Loaded {len(edges):,} segments ({length / 1000:,.1f} km, {len(points):,} points) "
                          f"for {node.name}.")
