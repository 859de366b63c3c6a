"""Where and about what residents ask: the dashboard's hotspot map (by compound
and by grid) and its most frequent words, each clicking through to its requests."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client

from analysis import words

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _map_data(html: str) -> list[dict]:
    found = re.search(r'<script id="hotspot-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_map_places_requests_at_their_compound_or_grid_never_at_home(cast):
    for _ in range(3):
        cast.submit(lat=44.2055, lng=86.9133)  # the resident's own pin: never drawn
    cast.appeal_in("replied")
    at_community = cast.submit(address="", community=cast.community.code)
    assert at_community.node_id == cast.community.pk

    client = _client(cast.leader)
    assert 'data-fragment="/work/figures/places/?' in client.get("/work/figures/?p=all").content.decode()
    html = client.get("/work/figures/places/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    places = {p["name"]: p for p in _map_data(html)}
    compound = places["花城小区"]
    assert (compound["received"], compound["replied"]) == (4, 1)
    assert (compound["lat"], compound["lng"]) == (44.191, 86.901)  # the compound's own coordinates
    assert places["花城社区"]["received"] == 1
    assert "44.2055" not in html and "86.9133" not in html
    assert "13899912345" not in html and "王秀兰" not in html

    by_grid = {p["name"]: p for p in _map_data(client.get("/work/figures/places/?p=all&map=grid",
                                                          HTTP_X_FRAGMENT="1").content.decode())}
    # the grid has no coordinates of its own: drawn at its community's
    assert by_grid["花城社区第一网格"]["received"] == 4
    assert (by_grid["花城社区第一网格"]["lat"], by_grid["花城社区第一网格"]["lng"]) == (44.19, 86.90)
    assert "花城小区" not in by_grid


def test_a_place_without_coordinates_is_counted_below_the_map(cast):
    cast.compound.lat = cast.compound.lng = None
    cast.compound.save()
    cast.community.lat = cast.community.lng = None
    cast.community.save()
    cast.submit()
    html = _client(cast.leader).get("/work/figures/places/?p=all").content.decode()  # a link opens a page
    assert "<html" in html and _map_data(html) == []
    assert "1 个诉求的地点没有坐标" in html


def test_a_hotspot_clicks_through_to_the_requests_made_there(cast):
    for _ in range(2):
        cast.submit()
    elsewhere = cast.submit(address="", community=cast.community.code)
    client = _client(cast.leader)
    html = client.get("/work/figures/places/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    assert "<html" not in html
    link = re.search(rf'href="(/work/figures/requests/\?[^"]*place={cast.compound.pk}[^"]*)"', html)
    assert link, "the hotspot table links to its requests"
    listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert listed.count("data-appeal=") == 2
    assert elsewhere.tracking_no not in listed


def test_the_frequent_words_leave_out_names_and_generic_words(cast):
    for _ in range(3):
        cast.submit(title="路灯不亮", description="我叫王建国，希望尽快修一下路灯。")
    for _ in range(2):
        cast.submit(title="电梯故障", description="电梯故障困人，希望处理。")
    cast.submit(title="噪音扰民", description="楼下噪音扰民。")  # one request alone: not shown
    client = _client(cast.leader)
    fragment = client.get("/work/figures/words/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    found = dict(re.findall(r'data-word="([^"]+)"[^>]*>[^<]*<small>(\d+)</small>', fragment))
    assert found["路灯"] == "3"  # in three requests (counted once each, though written twice)
    assert max(int(n) for n in found.values()) == 3
    assert found["电梯"] == found["故障"] == "2"
    assert "噪音" not in found
    assert "王建国" not in fragment  # a person's name is never a frequent word
    assert "希望" not in found and "尽快" not in found
    assert "<html" not in fragment  # the dashboard's script takes a fragment
    page = client.get("/work/figures/words/?p=all").content.decode()
    assert "<html" in page and "路灯" in page  # a plain link opens a page


def test_a_word_clicks_through_to_the_requests_that_use_it(cast):
    lamps = [cast.submit(title="路灯不亮", description="门前路灯坏了。") for _ in range(2)]
    lift = cast.submit(title="电梯故障", description="电梯坏了。")
    client = _client(cast.leader)
    fragment = client.get("/work/figures/words/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    link = re.search(r'href="([^"]+)" data-word="路灯"', fragment).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert all(lamp.tracking_no in listed for lamp in lamps) and lift.tracking_no not in listed


def test_the_words_are_read_once_then_cached(cast):
    cast.submit()
    client = _client(cast.leader)
    client.get("/work/figures/words/?p=all", HTTP_X_FRAGMENT="1")
    for _ in range(2):
        cast.submit(title="噪音扰民", description="楼下噪音扰民。")
    again = client.get("/work/figures/words/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    assert "噪音" not in again  # cached for CACHE_SECONDS
    cache.clear()
    assert "噪音" in client.get("/work/figures/words/?p=all", HTTP_X_FRAGMENT="1").content.decode()
    assert words.CACHE_SECONDS <= 600


def test_only_readers_get_the_words_and_the_map(cast):
    for url in ("/work/figures/words/", "/work/figures/places/"):
        assert _client(cast.resident).get(url).status_code == 403
        assert Client().get(url).status_code == 302


def test_the_trend_goes_by_day_week_or_month(cast):
    cast.submit()
    client = _client(cast.leader)
    for grain in ("D", "W", "M"):
        html = client.get(f"/work/figures/?p=year&trend={grain}").content.decode()
        current = re.search(r'href="[^"]*trend=(\w)" aria-current="true"', html)
        assert current and current.group(1) == grain
    rows = re.search(r'<script id="trend-data" type="application/json">(.*?)</script>',
                     client.get("/work/figures/?p=year&trend=W").content.decode(), re.S)
    from datetime import date
    assert all(date.fromisoformat(r["at"]).weekday() == 0 for r in json.loads(rows.group(1)))
