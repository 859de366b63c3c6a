"""The 15-minute circle's coverage against hand-computed cases."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from organisations.models import Node
from places import coverage
from places.models import Circle, Place

pytestmark = pytest.mark.django_db

# Along a meridian one metre is 1/111,195 of a degree (a sphere of 6,371 km).
DEG_PER_M = 1 / 111_195


def compound(code, lat, lng=87.0) -> Node:
    return Node(code=code, name=code, kind=Node.Kind.COMPOUND, lat=lat, lng=lng)


def place(kind, lat, lng=87.0) -> Place:
    return Place(name=f"{kind}@{lat}", kind=kind, lat=lat, lng=lng)


def test_each_compound_falls_in_the_circle_its_walking_distance_reaches(settings):
    settings.HUBIYING_WALK_DETOUR = 1.25
    station = place(Place.Kind.STATION, 44.0)
    # Straight lines of 200, 360, 700 and 900 m walk 250, 450, 875 and 1,125 m.
    rows = [compound("A", 44.0 + 200 * DEG_PER_M), compound("B", 44.0 - 360 * DEG_PER_M),
            compound("C", 44.0 + 700 * DEG_PER_M), compound("D", 44.0 - 900 * DEG_PER_M)]
    result = coverage.compute(rows, [station], kinds=[Place.Kind.STATION])
    got = [(r.compound.code, r.nearest["station"].walk_m, r.nearest["station"].band) for r in result.rows]
    assert got == [("A", 250, "5"), ("B", 450, "10"), ("C", 875, "15"), ("D", 1125, "out")]
    assert result.counts("station") == {"5": 1, "10": 1, "15": 1, "out": 1}
    assert [r.compound.code for r in result.outside("station")] == ["D"]
    assert [r.compound.code for r in result.outside("station", "5")] == ["B", "C", "D"]


def test_the_nearest_of_several_places_counts_and_a_kind_without_places_is_outside(settings):
    settings.HUBIYING_WALK_DETOUR = 1.0
    near, far = place(Place.Kind.CANTEEN, 44.0 + 100 * DEG_PER_M), place(Place.Kind.CANTEEN, 44.0 - 50 * DEG_PER_M)
    result = coverage.compute([compound("A", 44.0)], [near, far], kinds=["canteen", "warm"])
    row = result.rows[0]
    assert row.nearest["canteen"].place is far and row.nearest["canteen"].walk_m == 50
    assert row.nearest["warm"].place is None and row.nearest["warm"].band == "out"


def test_a_kinds_own_circles_replace_the_standards(settings):
    settings.HUBIYING_WALK_DETOUR = 1.0
    Circle.objects.create(kind="canteen", five=100, ten=200, fifteen=400)
    result = coverage.compute([compound("A", 44.0 + 300 * DEG_PER_M)], [place("canteen", 44.0)], kinds=["canteen"])
    assert result.rows[0].nearest["canteen"].band == "15"  # by the standard's 300 m it would be "5"


def test_a_compound_without_a_position_is_left_out():
    assert coverage.compute([Node(code="X", name="X", kind="compound")], [], kinds=["station"]).rows == []


def test_the_coverage_page_and_its_excel_export_for_community_staff(client, spots, cast):
    client.force_login(spots.staff)
    page = client.get("/work/coverage/", secure=True)
    assert page.status_code == 200
    assert page.context["area"] == cast.community and [r.compound for r in page.context["result"].rows] == [
        cast.compound]
    r = client.get("/work/coverage/", {"format": "xlsx", "kind": "station"}, secure=True)
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0][:5] == ["小区", "社区", "社区服务驿站：最近", "社区服务驿站：步行米数", "社区服务驿站：所在圈"]
    assert rows[1][:3] == ["花城小区", "花城社区", "红星超市社区服务驿站"] and rows[1][4] == "5分钟内"


# A river runs east–west between compound A and the station north of it; the only bridge is 450 m east.
BRIDGE_M = 450


def deg_east(m: float, lat: float = 44.0) -> float:
    import math

    return m * DEG_PER_M / math.cos(math.radians(lat))


def river_geojson() -> str:
    import json

    north = 44.0 + 200 * DEG_PER_M
    line = [[87.0, 44.0], [87.0 + deg_east(BRIDGE_M), 44.0], [87.0 + deg_east(BRIDGE_M), north], [87.0, north]]
    motorway = [[87.0, 44.0], [87.0, north]]  # straight across, but nobody walks a motorway
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "footway"}, "geometry": {"type": "LineString",
                                                                                "coordinates": line}},
        {"type": "Feature", "properties": {"highway": "motorway"}, "geometry": {"type": "LineString",
                                                                                 "coordinates": motorway}},
    ]})


def test_along_a_road_network_the_river_puts_a_compound_outside_the_circle(settings, tmp_path, cast):
    from django.core.management import call_command

    from places import roads

    settings.HUBIYING_WALK_DETOUR = 1.3
    (tmp_path / "roads.geojson").write_text(river_geojson())
    call_command("load_roads", str(tmp_path / "roads.geojson"), area=cast.community.code, name="河边")
    network = roads.network_for(cast.compound)
    assert network is not None and network.name == "河边" and network.points == 4
    assert abs(network.length_m - (2 * BRIDGE_M + 200)) <= 2
    station = place(Place.Kind.STATION, 44.0 + 200 * DEG_PER_M)
    a, b = compound("A", 44.0), compound("B", 44.0, 87.0 + deg_east(BRIDGE_M))  # B stands at the bridge
    straight = coverage.compute([a, b], [station], kinds=["station"])
    assert [r.nearest["station"].band for r in straight.rows] == ["5", "15"]  # 200 × 1.3 m; 492 × 1.3 m
    along = coverage.compute([a, b], [station], kinds=["station"], network=network)
    got = [(r.nearest["station"].walk_m, r.nearest["station"].band) for r in along.rows]
    assert abs(got[0][0] - (2 * BRIDGE_M + 200)) <= 2 and got[0][1] == "out"  # 1,100 m round by the bridge
    assert abs(got[1][0] - (BRIDGE_M + 200)) <= 2 and got[1][1] == "15"


def test_a_bad_road_file_is_refused_and_stores_nothing(tmp_path, cast):
    from django.core.management import CommandError, call_command

    from places.models import RoadNetwork

    (tmp_path / "bad.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(CommandError, match="walkable lines|可步行"):
        call_command("load_roads", str(tmp_path / "bad.geojson"), area=cast.community.code)
    (tmp_path / "junk.geojson").write_text("not json")
    with pytest.raises(CommandError):
        call_command("load_roads", str(tmp_path / "junk.geojson"), area=cast.community.code)
    assert not RoadNetwork.objects.exists()


def test_the_coverage_page_says_which_distance_it_shows(client, spots, cast, tmp_path):
    from django.core.management import call_command

    client.force_login(spots.staff)
    page = client.get("/work/coverage/", secure=True).content.decode()
    assert 'data-distance-method="straight"' in page and "直线距离" in page
    (tmp_path / "roads.geojson").write_text(river_geojson())
    call_command("load_roads", str(tmp_path / "roads.geojson"), area=cast.community.code, name="河边")
    page = client.get("/work/coverage/", secure=True).content.decode()
    assert 'data-distance-method="network"' in page and "河边" in page
