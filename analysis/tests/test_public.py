"""The public figures, the snippet other sites frame, and the public map and list
of requests, as anyone without an account sees them."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client

from analysis.models import FigureSettings
from appeals import services
from appeals.models import Appeal
from appeals.tests.api import api_client

pytestmark = pytest.mark.django_db

PRIVATE = ("王秀兰", "13899912345", "花城小区3号楼", "老人上下楼很困难", "电梯已经停运三天")


def _on(**fields) -> FigureSettings:
    return FigureSettings.objects.create(**fields)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _history(cast):
    """In 花城社区: 3 replied (one of them evaluated satisfied), 1 just submitted."""
    replied = [cast.appeal_in("replied") for _ in range(3)]
    services.evaluate(replied[0], actor=cast.fresh(cast.resident), rating="satisfied")
    cast.appeal_in("submitted")
    return replied


def _markers(response) -> list[dict]:
    found = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    return json.loads(found.group(1))


# --- The public figures ------------------------------------------------------------

def test_the_sentence_of_a_community_and_the_county_is_the_stats_api(cast):
    _history(cast)
    client, api = Client(), api_client(cast.admin)
    for node in (cast.community, cast.town, cast.county):
        stats = api.get(f"/api/v1/stats?scope={node.pk}").json()
        assert (stats["received"], stats["replied"], stats["reply_rate"]) == (4, 3, 75.0)
        page = client.get(f"/figures/{node.code}/")
        assert page.status_code == 200
        text = _text(page)
        assert "共收到诉求4件，已答复3件，答复办结率75.0%" in text
        assert "今年" in text and "本月" in text
        assert "数据每5分钟更新" in text
    # the public figures with their counts: 满意率 1 / 1, 按时办结率 over the 3 replied
    text = _text(client.get(f"/figures/{cast.community.code}/"))
    assert re.search(r'data-rate="satisfaction_rate".*?100.0%.*?1 / 1', text)
    assert re.search(r'data-rate="on_time_rate".*?/ 3<', text)
    assert re.search(r"物业管理 › 电梯故障</td><td>4<", text)
    # a place with no requests: no rate, a dash (never 0% or 100%)
    empty = _text(client.get(f"/figures/{cast.other_community.code}/"))
    assert "共收到诉求0件，已答复0件，答复办结率—" in empty
    assert re.search(r'data-rate="satisfaction_rate".*?—.*?0 / 0', empty)


def test_the_index_names_every_county_with_links_to_its_towns(cast):
    _history(cast)
    text = _text(Client().get("/figures/"))
    assert "呼图壁县" in text and "昌吉市" in text
    assert 'href="/figures/HTB-Z/"' in text and 'href="/figures/CJ-YA/"' in text
    assert "共收到诉求4件，已答复3件，答复办结率75.0%" in text
    town = _text(Client().get("/figures/HTB-Z/"))
    assert 'href="/figures/HTB-Z-HC/"' in town and 'href="/figures/HTB/"' in town  # down and back up
    assert "HTB-Z-HC-G1" not in town  # grids have no public figures


def test_the_figures_are_cached_for_a_short_time(cast):
    _history(cast)
    client = Client()
    assert "共收到诉求4件" in _text(client.get(f"/figures/{cast.community.code}/"))
    cast.submit()
    assert "共收到诉求4件" in _text(client.get(f"/figures/{cast.community.code}/"))  # from the cache
    cache.clear()  # as five minutes later
    assert "共收到诉求5件" in _text(client.get(f"/figures/{cast.community.code}/"))


def test_grids_compounds_unknown_places_and_a_summary_turned_off_are_404(cast):
    client = Client()
    for code in (cast.grid.code, cast.compound.code, "NOPE", "%E5%95%8A"):
        for url in (f"/figures/{code}/", f"/figures/{code}/embed/", f"/figures/{code}/embed.json"):
            assert client.get(url).status_code == 404, url
    _on(public_summary=False)
    for url in ("/figures/", "/figures/HTB/", "/figures/HTB/embed/"):
        assert client.get(url).status_code == 404, url
    response = client.get("/figures/HTB/embed.json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_embed_is_frameable_and_the_other_pages_are_not(cast):
    _history(cast)
    client = Client()
    embed = client.get(f"/figures/{cast.community.code}/embed/")
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    text = _text(embed)
    assert "共收到诉求4件，已答复3件，答复办结率75.0%" in text
    assert 'href="http://testserver/figures/HTB-Z-HC/"' in text
    assert "<nav" not in text and "<style" not in text and "style=" not in text
    for url in ("/figures/", f"/figures/{cast.community.code}/", "/"):
        assert client.get(url)["X-Frame-Options"] == "DENY", url
    page = _text(client.get(f"/figures/{cast.community.code}/"))
    assert "&lt;iframe src=&quot;http://testserver/figures/HTB-Z-HC/embed/&quot;" in page  # the code to copy


def test_the_json_has_cors_the_counts_and_the_sentence(cast):
    _history(cast)
    response = Client().get(f"/figures/{cast.community.code}/embed.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["place"] == {"code": "HTB-Z-HC", "name": "花城社区", "kind": "community"}
    assert (body["received"], body["replied"]) == (4, 3)
    assert body["reply_rate"] == {"percent": 75.0, "numerator": 3, "denominator": 4}
    assert body["sentence"] == "共收到诉求4件，已答复3件，答复办结率75.0%"
    assert body["this_month"]["received"] == 4 and body["url"] == "http://testserver/figures/HTB-Z-HC/"


# --- The public map and list ----------------------------------------------------

def test_the_public_requests_are_off_by_default_with_no_link(cast):
    client = Client()
    assert client.get("/requests/").status_code == 404
    home = _text(client.get("/"))
    assert 'href="/figures/"' in home and 'href="/requests/"' not in home
    assert 'href="/requests/' not in _text(client.get("/figures/HTB/"))
    FigureSettings.objects.all().delete()
    _on(public_requests=True, public_summary=False)
    home = _text(client.get("/"))
    assert 'href="/requests/"' in home and 'href="/figures/"' not in home
    assert client.get("/requests/").status_code == 200


def test_no_personal_data_on_any_public_page_map_or_embed(cast):
    _on(public_requests=True)
    _history(cast)
    # a resident's own page gives no title: it is the description's start
    bare = cast.appeal_in("registered", title="",
                          description="电梯已经停运三天，王秀兰家住花城小区3号楼，电话13899912345")
    named = cast.appeal_in("registered", title="王秀兰反映电梯停运")  # a title naming the resident
    client = Client()
    pages = ["/figures/", "/figures/HTB/", "/figures/HTB-Z-HC/", "/figures/HTB-Z-HC/embed/",
             "/figures/HTB-Z-HC/embed.json", "/requests/", "/requests/?area=HTB-Z-HC-G1-C1", "/requests/?state=open"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for private in PRIVATE:
            assert private not in body, (url, private)
        assert "description" not in body.lower() or url.startswith("/figures")  # the JSON names no such field
    listing = _text(client.get("/requests/"))
    assert "电梯停运三天" not in listing  # no title is shown, however written: the category stands for it
    for appeal in (bare, named):
        item = re.search(rf'data-request="{appeal.pk}".*?</li>', listing).group(0)
        assert "物业管理 › 电梯故障" in item and "王秀兰" not in item
        assert appeal.tracking_no not in listing and "/track/" not in item  # no way into its own page


def test_the_map_places_requests_at_their_compound_never_their_own_point(cast):
    _on(public_requests=True)
    a = cast.appeal_in("registered", lat=44.19312, lng=86.90287)
    b = cast.appeal_in("registered")
    assert a.node_id == b.node_id == cast.compound.pk and a.lat == 44.19312
    response = Client().get("/requests/")
    assert "44.19312" not in response.content.decode() and "86.90287" not in response.content.decode()
    assert _markers(response) == [{"code": "HTB-Z-HC-G1-C1", "name": "花城社区 · 花城小区", "lat": 44.191,
                                   "lng": 86.901, "count": 2}]
    # a place without coordinates (the grid) is drawn at the nearest node above it that has some
    cast.appeal_in("registered", address="", community=cast.community.code)
    cast.submit()  # not looked at yet: not shown
    Appeal.objects.filter(pk=b.pk).update(node=cast.grid)
    cache.clear()
    markers = {m["code"]: m["count"] for m in _markers(Client().get("/requests/"))}
    assert markers == {"HTB-Z-HC-G1-C1": 1, "HTB-Z-HC": 2}
    assert 'data-place>花城社区 · 花城社区第一网格<' in _text(Client().get("/requests/"))


def test_unreviewed_rejected_merged_and_withdrawn_requests_are_not_listed(cast):
    _on(public_requests=True)
    shown = cast.appeal_in("replied")
    rejected, withdrawn = cast.appeal_in("rejected"), cast.appeal_in("withdrawn")
    merged = cast.appeal_in("registered")
    services.merge(merged, actor=cast.fresh(cast.dispatcher), into=shown)
    unreviewed = cast.submit()  # nobody has looked at it: it may be spam or abuse
    response = Client().get("/requests/")
    text = _text(response)
    assert f'data-request="{shown.pk}"' in text
    for hidden in (rejected, withdrawn, merged, unreviewed):
        assert f'data-request="{hidden.pk}"' not in text
    assert _markers(response)[0]["count"] == 1


def test_the_filters_narrow_the_list_and_the_map(cast):
    _on(public_requests=True)
    replied = cast.appeal_in("replied")
    closed = cast.appeal_in("closed")
    light = cast.appeal_in("registered", category="SZ-LD")
    far = services.create_appeal(cast.intake_data(address="北京南路社区", community="CJ-YA-BJ"), actor=None)[0]
    assert far.node_id == cast.other_community.pk
    far = services.register(far, actor=cast.fresh(cast.other_dispatcher))
    client = Client()

    def listed(query):
        response = client.get("/requests/" + query)
        assert response.status_code == 200
        return set(re.findall(r'data-request="([^"]+)"', response.content.decode()))

    replied, closed, light, far = (str(a.pk) for a in (replied, closed, light, far))
    everything = {replied, closed, light, far}
    assert listed("") == everything
    assert listed("?category=SZ") == {light}  # a first-level code takes its children
    assert listed("?category=WY-DT") == everything - {light}
    assert listed("?state=open") == {light, far}
    assert listed("?state=replied") == {replied}
    assert listed("?state=closed") == {closed}
    assert listed("?area=CJ") == {far}
    assert listed("?area=HTB-Z-HC&state=open&category=SZ-LD") == {light}
    assert [m["code"] for m in _markers(client.get("/requests/?area=CJ"))] == ["CJ-YA-BJ"]
    page = _text(client.get("/requests/?state=open"))
    assert '<option value="open" selected>办理中</option>' in page
    assert 'class="status status-open">办理中<' in page and "已答复" not in page.split("public-requests")[-1]


def test_bad_filter_values_say_so_and_are_ignored(cast):
    _on(public_requests=True)
    appeal = cast.appeal_in("registered")
    client = Client()
    for query, message in (("?category=NOPE", "没有这个分类"), ("?state=lost", "没有这个办理状态"),
                           ("?area=%27%3B--", "没有这个区域"), ("?page=abc", None), ("?page=99999999999", None),
                           ("?category=&state=&area=", None), ("?state=open&state=closed", None)):
        response = client.get("/requests/" + query)
        assert response.status_code == 200, query
        text = _text(response)
        if message:
            assert message in text and 'role="alert"' in text, query
        if "state=open" not in query:
            assert f'data-request="{appeal.pk}"' in text, query


def test_the_list_is_paginated(cast):
    _on(public_requests=True)
    for _ in range(21):
        cast.appeal_in("registered")
    first = _text(Client().get("/requests/"))
    assert first.count("data-request=") == 20 and "共21件诉求" in first
    assert 'href="?page=2"' in first
    assert _text(Client().get("/requests/?page=2")).count("data-request=") == 1


def test_public_pages_only_read_and_read_little(cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _on(public_requests=True)
    for _ in range(5):
        cast.submit()
    client = Client()
    client.get("/requests/")  # the tree and the categories loaded once per process
    with django_assert_max_num_queries(4):  # settings, the count, the page, the map (a new filter)
        assert client.get("/requests/?state=open").status_code == 200
    for url in ("/figures/", "/figures/HTB/", "/figures/HTB/embed/", "/figures/HTB/embed.json", "/requests/",
                "/requests/?category=NOPE&page=x"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert not [q for q in queries.captured_queries
                    if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))], url


def test_a_client_cycling_the_map_choices_is_slowed_down(cast, settings):
    _on(public_requests=True)
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "public-map": (2, 600)}
    client = Client()
    assert client.get("/requests/?state=open").status_code == 200
    assert client.get("/requests/?state=closed").status_code == 200
    assert client.get("/requests/?state=open").status_code == 200  # cached: not counted
    refused = client.get("/requests/?state=replied")
    assert refused.status_code == 429 and refused["Retry-After"]
