"""The reading endpoints of Open311, read as a client reads them: the XML parsed
with xml.etree, the JSON with json, never compared as strings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from appeals.models import Appeal, Category, Status
from open311 import keys
from open311.models import ApiClient

from .reading import BASE, error_of, get, json_of, xml_of, xml_requests


@pytest.fixture(autouse=True)
def _public_lists(db):
    """Lists of requests are public where the admin turned the public map and list on."""
    from analysis.models import FigureSettings

    FigureSettings.objects.create(public_requests=True)


def ids_of(client, **params):
    return [r["service_request_id"] for r in json_of(get(client, "requests.json", **params))]


@pytest.fixture
def county(cast):
    """A request in each state the lists care about, and one of last year."""
    made = {status: cast.appeal_in(status) for status in
            (Status.SUBMITTED, Status.DISPATCHED, Status.REPLIED, Status.CLOSED, Status.REJECTED, Status.WITHDRAWN)}
    old = cast.appeal_in(Status.DISPATCHED, category="SZ-LD", title="路灯不亮已一周")
    Appeal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))
    made["old"] = old
    return made


# --- discovery and services ------------------------------------------------------

def test_discovery_in_both_formats(client, db):
    root = xml_of(get(client, "discovery.xml"))
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url").endswith("/open311/v2/")
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset").endswith("+08:00")
    data = json_of(get(client, "discovery.json"))
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["key_service"]


def test_services_are_the_leaf_categories(client, cast):
    Category.objects.create(code="SZ-OLD", name="旧分类", parent=cast.category_lights.parent, active=False)
    root = xml_of(get(client, "services.xml"))
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(services) == {"WY-DT", "SZ-LD"}  # no parents, nothing inactive
    lift = services["WY-DT"]
    assert lift.findtext("service_name") == "电梯故障"
    assert lift.findtext("group") == "物业管理"
    assert lift.findtext("metadata") == "false" and lift.findtext("type") == "realtime"
    assert "Lift fault" in lift.findtext("keywords")
    data = json_of(get(client, "services.json"))
    assert {s["service_code"]: s["group"] for s in data} == {"WY-DT": "物业管理", "SZ-LD": "市政设施"}
    assert all(s["metadata"] is False for s in data)
    # Without a suffix: XML, the spec's required format.
    assert xml_of(get(client, "services")).tag == "services"


def test_services_in_english(client, cast, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's choice
    data = json.loads(client.get(BASE + "services.json").content)
    assert {s["service_name"] for s in data} == {"Lift fault", "Street light out"}


def test_service_definition(client, cast):
    root = xml_of(get(client, "services/WY-DT.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "WY-DT" and root.find("attributes") is not None
    assert json_of(get(client, "services/WY-DT.json")) == {"service_code": "WY-DT", "attributes": []}
    error_of(get(client, "services/WY.json"), 404)  # a parent is no service
    error_of(get(client, "services/NOPE.xml"), 404)


# --- requests ---------------------------------------------------------------------

def test_list_leaves_out_the_unaccepted_and_the_old(client, county):
    listed = ids_of(client)
    assert set(listed) == {county[s].tracking_no for s in (Status.DISPATCHED, Status.REPLIED, Status.CLOSED)}
    assert listed == sorted(listed, key=lambda n: Appeal.objects.get(tracking_no=n).created_at, reverse=True)


def test_one_request_in_xml_as_a_client_reads_it(client, county):
    appeal = county[Status.DISPATCHED]
    [request] = xml_requests(get(client, f"requests/{appeal.tracking_no}.xml"))
    assert request["service_request_id"].text == appeal.tracking_no
    assert request["status"].text == "open"
    assert request["service_code"].text == "WY-DT" and request["service_name"].text == "电梯故障"
    assert request["agency_responsible"].text == "花城社区居委会"
    assert request["address"].text == "花城社区"  # the community, never the home
    assert appeal.node.kind == "compound"  # its compound's point stands for it
    assert float(request["lat"].text) == 44.191 and float(request["long"].text) == 86.901
    assert request["description"].text == "电梯停运三天"  # a title that names nobody
    assert request["requested_datetime"].text.endswith("+08:00")
    due = timezone.localtime(appeal.handle_due).isoformat(timespec="seconds")
    assert request["expected_datetime"].text == due
    assert "extended_attributes" not in request


def test_location_is_the_place_never_the_residents_point(client, cast):
    appeal = cast.appeal_in(Status.DISPATCHED)
    # Placed in a grid without coordinates, with the resident's own point.
    Appeal.objects.filter(pk=appeal.pk).update(node=cast.grid, lat=44.2511, lng=86.9533)
    [data] = json_of(get(client, f"requests/{appeal.tracking_no}.json"))
    assert (data["lat"], data["long"]) == (44.19, 86.90)  # the community's, the nearest place above with some
    assert data["address"] == "花城社区"


def test_a_title_that_may_say_who_gives_the_category(client, cast):
    appeal = cast.appeal_in(Status.DISPATCHED, title="王秀兰家电梯坏了")
    [data] = json_of(get(client, f"requests/{appeal.tracking_no}.json"))
    assert data["description"] == "电梯故障"


def test_closed_states_and_their_notes(client, county):
    for status, shown in ((Status.CLOSED, "closed"), (Status.REJECTED, "closed"), (Status.WITHDRAWN, "closed"),
                          (Status.REPLIED, "open"), (Status.SUBMITTED, "open")):
        [data] = json_of(get(client, f"requests/{county[status].tracking_no}.json"))
        assert data["status"] == shown, status
    [closed] = json_of(get(client, f"requests/{county[Status.CLOSED].tracking_no}.json"))
    assert closed["status_notes"] == "已联系物业维修，电梯恢复运行。" and closed["expected_datetime"] is None
    [rejected] = json_of(get(client, f"requests/{county[Status.REJECTED].tracking_no}.json"))
    assert rejected["status_notes"] == "重复提交"


def test_extensions_add_the_state_and_the_public_timeline(client, county):
    appeal = county[Status.CLOSED]
    [data] = json_of(get(client, f"requests/{appeal.tracking_no}.json", extensions="true"))
    extra = data["extended_attributes"]
    assert extra["hubiying_status"] == "closed" and extra["rating"] == "satisfied"
    assert extra["evaluated_datetime"].endswith("+08:00")
    types = [n["type"] for n in extra["notes"]]
    assert types[:4] == ["submit", "register", "dispatch", "sign"] and "reply" in types
    assert all(n["datetime"].endswith("+08:00") for n in extra["notes"])
    assert any("电梯恢复运行" in n["description"] for n in extra["notes"])
    [request] = xml_requests(get(client, f"requests/{appeal.tracking_no}.xml", extensions="true"))
    notes = request["extended_attributes"].findall("notes/note")
    assert [n.findtext("type") for n in notes] == types


def test_ids_override_the_other_filters_and_find_every_state(client, county):
    wanted = [county[Status.SUBMITTED].tracking_no, county[Status.WITHDRAWN].tracking_no, county["old"].tracking_no]
    found = ids_of(client, service_request_id=",".join(wanted), status="closed", service_code="SZ-LD")
    assert set(found) == set(wanted)
    # Typed as a resident types it: lower case, no prefix.
    loose = county[Status.SUBMITTED].tracking_no.lower().removeprefix("hby-")
    assert ids_of(client, service_request_id=loose) == [county[Status.SUBMITTED].tracking_no]


def test_filters_service_status_and_dates(client, county):
    assert ids_of(client, service_code="SZ-LD") == []  # the street light is older than 90 days
    start = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert ids_of(client, service_code="SZ-LD", start_date=start) == [county["old"].tracking_no]
    assert ids_of(client, status="closed") == [county[Status.CLOSED].tracking_no]
    assert set(ids_of(client, status="open")) == {county[Status.DISPATCHED].tracking_no,
                                                  county[Status.REPLIED].tracking_no}
    assert len(ids_of(client, status="open,closed")) == 3
    end = (timezone.localdate() - timedelta(days=100)).isoformat()
    assert ids_of(client, start_date=start, end_date=end) == [county["old"].tracking_no]
    # A time with its offset, its "+" unencoded as clients send it.
    since = timezone.localtime() - timedelta(days=300)
    response = client.get(BASE + "requests.json?start_date=" + since.isoformat(timespec="seconds"))
    assert len(json.loads(response.content)) == 4


def test_paging(client, county):
    everything = ids_of(client)
    pages = [ids_of(client, page=n, page_size=2) for n in (1, 2, 3)]
    assert pages[0] + pages[1] == everything and pages[2] == []
    assert len(pages[0]) == 2


@pytest.mark.parametrize("params", [
    {"status": "pending"}, {"service_code": "NOPE"}, {"start_date": "yesterday"}, {"end_date": "2026-13-45"},
    {"start_date": "2026-06-02", "end_date": "2026-06-01"}, {"page": "0"}, {"page_size": "1001"},
    {"page": "x"}, {"extensions": "yes"}, {"service_request_id": ","},
])
def test_bad_input_is_a_400_in_the_spec_shape(client, cast, params):
    error_of(get(client, "requests.json", **params), 400)
    error_of(get(client, "requests.xml", **params), 400)


def test_unknowns_are_404(client, cast):
    error_of(get(client, "requests/HBY-20260101-ZZZZZZ.xml"), 404)
    error_of(get(client, "requests/not-a-number.json"), 404)
    error_of(get(client, "services.json", jurisdiction_id="elsewhere.gov"), 404)
    error_of(get(client, "requests.xml", jurisdiction_id="elsewhere.gov"), 404)
    error_of(get(client, "services.csv"), 404)
    assert get(client, "services.json", jurisdiction_id="hubiying.local").status_code == 200


def test_too_many_reads_is_a_429_in_the_spec_shape(client, cast, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "open311-read": (2, 60)}
    for _ in range(2):
        assert get(client, "requests.json").status_code == 200
    error_of(get(client, "requests.json"), 429)


def test_nothing_personal_on_any_endpoint(client, county):
    """`get` checks every answer; here every endpoint and option once more, in both formats."""
    numbers = ",".join(a.tracking_no for a in county.values())
    for fmt in ("xml", "json"):
        for path, params in (("discovery", {}), ("services", {}), ("services/WY-DT", {}),
                             ("requests", {"extensions": "true"}),
                             ("requests", {"service_request_id": numbers, "extensions": "true"})):
            assert get(client, f"{path}.{fmt}", **params).status_code == 200
        for appeal in county.values():
            assert get(client, f"requests/{appeal.tracking_no}.{fmt}", extensions="true").status_code == 200


def test_reading_writes_nothing_and_posting_needs_a_key(client, county):
    before = Appeal.objects.count()
    assert error_of(client.post(BASE + "requests.json", {"service_code": "WY-DT"}), 403)
    assert Appeal.objects.count() == before


# --- keys -------------------------------------------------------------------------

def test_keys_are_stored_hashed_and_can_be_revoked(db):
    client = ApiClient(name="FixMyStreet")
    key = keys.issue(client)
    stored = ApiClient.objects.get()
    assert key not in stored.key_hash and len(stored.key_hash) == 64
    assert keys.check(key) == stored and ApiClient.objects.get().last_used_at is not None
    assert keys.check("wrong") is None and keys.check("") is None and keys.check(None) is None
    new = keys.issue(stored)
    assert keys.check(key) is None and keys.check(new) == stored
    ApiClient.objects.update(active=False)
    assert keys.check(new) is None


def _shown_key(response, made):
    """The key a message of the page shows, if it is `made`'s."""
    words = [w for m in response.context["messages"] for w in str(m).replace("：", " ").split()]
    return next((w for w in words if keys.check(w) == made), None)


def test_admin_shows_a_new_key_once(client, cast):
    client.force_login(cast.admin)
    response = client.post("/admin/open311/apiclient/add/", {"name": "热线系统", "contact": "ops@example.org",
                                                             "active": "on"}, follow=True)
    made = ApiClient.objects.get(name="热线系统")
    first = _shown_key(response, made)
    assert first
    page = client.get(f"/admin/open311/apiclient/{made.pk}/change/").content.decode()
    assert first not in page and made.key_hash not in page  # shown that once only
    response = client.post("/admin/open311/apiclient/", {"action": "new_key", "_selected_action": [made.pk]},
                           follow=True)
    second = _shown_key(response, made)
    assert second and second != first
    assert keys.check(first) is None  # the old key stopped working


def test_the_demo_client_has_the_readme_key_after_every_load(db):
    from demo.build import Demo, build_api_client

    build_api_client(Demo())
    demo = Demo()
    build_api_client(demo)  # a reload replaces it, never doubles it
    assert ApiClient.objects.count() == 1
    assert keys.check("demo-open311-key") == ApiClient.objects.get() == demo.api_client


def test_lists_need_the_public_list_or_a_client_key(client, county):
    from analysis.models import FigureSettings
    from open311 import keys
    from open311.models import ApiClient

    FigureSettings.objects.update(public_requests=False)
    error_of(get(client, "requests.json"), 403)
    error_of(get(client, "requests.xml", api_key="wrong"), 403)
    some = next(iter(county.values()))
    assert get(client, "requests.json", service_request_id=some.tracking_no).status_code == 200  # by id: always
    app = ApiClient(name="某区12345热线")
    key = keys.issue(app)
    assert get(client, "requests.json", api_key=key).status_code == 200
    app.refresh_from_db()
    assert app.last_used_at is None  # a read writes nothing


def test_unknown_paths_and_methods_answer_in_the_spec_shape(client, db):
    for path, kind in (("nothing-here.json", "application/json"), ("requests/a/b.xml", "text/xml"),
                       ("", "text/xml")):
        response = client.get(BASE + path)
        assert response["Content-Type"].startswith(kind), path
        assert error_of(response, 404)
    refused = client.delete(BASE + "services.json")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"
    assert error_of(refused, 405)
