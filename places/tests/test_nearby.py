"""The nearest places: ordered by distance, within the radius, by service,
open now; and the same through GET /api/v1/places."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from places import nearby
from places.models import Place

pytestmark = pytest.mark.django_db

HERE = (44.1912, 86.9012)  # beside 红星超市's station, 花城社区
NOON = timezone.make_aware(datetime(2026, 6, 1, 13, 0))  # a Monday


def names(found) -> list[str]:
    return [f.place.name for f in found]


def test_places_come_nearest_first_and_the_far_city_is_outside_the_radius(spots):
    found = nearby.search(Place.objects.all(), lat=HERE[0], lng=HERE[1], at=NOON)
    assert names(found) == ["红星超市社区服务驿站", "德福社区服务驿站", "幸福食堂", "邻里小屋"]
    distances = [f.distance for f in found]
    assert distances == sorted(distances)
    assert 70 < distances[0] < 90  # 0.0007° of latitude and a little longitude ≈ 80 m
    assert found[0].walk_m == round(distances[0] * 1.3) and found[0].walk_min == 2


def test_a_hand_measured_distance():
    # One minute of arc of latitude is one nautical mile, 1,852 m (on a sphere of 6,371 km: 1,853 m).
    assert abs(nearby.metres(44.0, 87.0, 44.0 + 1 / 60, 87.0) - 1853) < 2
    # Along a parallel the degree shrinks with the cosine of the latitude.
    assert abs(nearby.metres(60.0, 10.0, 60.0, 11.0) - 55_597) < 60


def test_the_radius_narrows_the_list(spots):
    found = nearby.search(Place.objects.all(), lat=HERE[0], lng=HERE[1], radius=300, at=NOON)
    assert names(found) == ["红星超市社区服务驿站", "德福社区服务驿站", "幸福食堂"]


def test_a_service_and_open_now_find_the_hot_water_open_at_one(spots):
    found = nearby.search(Place.objects.all(), lat=HERE[0], lng=HERE[1], service="hot-water", open_now=True, at=NOON)
    # 德福 takes its lunch break from 12:00 to 14:00; the canteen has no hot water.
    assert names(found) == ["红星超市社区服务驿站", "邻里小屋"]
    assert all(f.status.open for f in found)


def test_without_a_position_places_come_by_name(spots):
    found = nearby.search(Place.objects.all(), kind=Place.Kind.STATION, at=NOON)
    assert names(found) == sorted(names(found)) and len(found) == 3
    assert all(f.distance is None for f in found)


def test_the_api_lists_the_nearest_with_status_and_services(client, spots):
    r = client.get("/api/v1/places", {"lat": HERE[0], "lng": HERE[1], "service": "hot-water"}, secure=True)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3 and [p["name"] for p in body["results"]][0] == "红星超市社区服务驿站"
    first = body["results"][0]
    assert {"code": "hot-water", "name": "热水", "name_en": "Hot water"} in first["services"]
    assert first["status"]["open"] in (True, False) and first["distance"] < 100
    assert first["route_url"].startswith("https://uri.amap.com/navigation?to=86.901,44.1905,")


def test_the_api_pages_the_list(client, spots):
    r = client.get("/api/v1/places", {"page_size": 2}, secure=True).json()
    assert r["count"] == 5 and len(r["results"]) == 2 and r["next"] and r["previous"] is None
    second = client.get(r["next"], secure=True).json()
    assert len(second["results"]) == 2 and second["previous"]


@pytest.mark.parametrize("query", [{"lat": "44.1"}, {"lat": "north", "lng": "86"}, {"radius": "0"},
                                   {"kind": "palace"}, {"page_size": "1000"}, {"open_now": "maybe"}])
def test_the_api_refuses_bad_filters_with_a_structured_message(client, spots, query):
    r = client.get("/api/v1/places", query, secure=True)
    assert r.status_code == 400 and r.json()["code"]


def test_the_api_gives_one_place_with_its_week_and_hides_an_unpublished_one(client, spots):
    r = client.get(f"/api/v1/places/{spots.station.pk}", secure=True).json()
    assert r["week"][0] == ["星期一", "09:00–21:00"] and r["online_services"][0]["url"] == spots.online.url
    spots.lunch.active = False
    spots.lunch.save()
    assert client.get(f"/api/v1/places/{spots.lunch.pk}", secure=True).status_code == 404
    assert client.get("/api/v1/places", secure=True).json()["count"] == 4
    client.force_login(spots.other_host)  # its host still sees it
    assert client.get(f"/api/v1/places/{spots.lunch.pk}", secure=True).status_code == 200
