"""GET /api/v1/appeals: scope, filters, pagination and query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Status

from .conftest import assert_error


def tracking_nos(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {item["tracking_no"] for item in response.json()["results"]}


@pytest.fixture
def spread(cast):
    """Requests in several places and states: the resident's own (at the
    community office), another resident's, one without an account dispatched
    to the property company, and one in 延安北路街道."""
    own = cast.appeal_in(Status.SIGNED)
    neighbour = cast._user("neighbour", ("resident", None, None))
    theirs, _ = services.create_appeal(cast.intake_data(title="楼道灯不亮", category="SZ-LD"), actor=neighbour)
    to_property, _ = services.create_appeal(cast.intake_data(title="电梯异响"))  # no account
    services.register(to_property, actor=cast.fresh(cast.dispatcher))
    services.dispatch(to_property, actor=cast.fresh(cast.dispatcher), unit=cast.property.pk)
    far, _ = services.create_appeal(cast.intake_data(address="北京南路社区5号楼", community="CJ-YA-BJ", title="远处"))
    return {"own": own.tracking_no, "theirs": theirs.tracking_no, "property": to_property.tracking_no,
            "far": far.tracking_no}


@pytest.mark.parametrize(
    "who, sees",
    [
        ("resident", {"own"}),
        ("handler", {"own"}),
        ("property_handler", {"property"}),
        ("outsider", set()),
        ("dispatcher", {"own", "theirs", "property"}),
        ("other_dispatcher", {"far"}),
        ("supervisor", {"own", "theirs", "property"}),
        ("leader", {"own", "theirs", "property"}),
        ("grid_worker", {"own", "theirs", "property"}),
        ("admin", {"own", "theirs", "property", "far"}),
    ],
)
def test_each_role_lists_only_its_scope(cast, api, spread, who, sees):
    assert tracking_nos(api(getattr(cast, who)).get("/api/v1/appeals")) == {spread[k] for k in sees}


def test_anonymous_caller_gets_401(db, api):
    assert_error(api().get("/api/v1/appeals"), 401, "not_authenticated")


def test_items_are_compact(cast, api, spread):
    [item] = api(cast.property_handler).get("/api/v1/appeals").json()["results"]
    assert set(item) == {"id", "tracking_no", "title", "status", "status_display", "category", "urgency", "unit",
                         "created_at", "step_due", "deadline_state"}
    assert item["category"] == {"code": "WY-DT", "name": "电梯故障", "name_en": "Lift fault"}
    assert item["unit"] == {"id": cast.property.pk, "name": "美居物业"}
    assert item["status"] == "dispatched" and item["deadline_state"] == "ok" and item["step_due"]


def list_for(api, user, **params):
    return tracking_nos(api(user).get("/api/v1/appeals", params))


def test_filter_by_status_takes_one_or_more(cast, api, spread):
    assert list_for(api, cast.dispatcher, status="signed") == {spread["own"]}
    assert list_for(api, cast.dispatcher, status=["signed", "submitted"]) == {spread["own"], spread["theirs"]}


def test_unknown_status_is_400(cast, api):
    for bad in ("done", "", "signed,submitted"):
        assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"status": bad}), 400, "invalid", "status")


def test_filter_by_first_level_category_includes_its_children(cast, api, spread):
    assert list_for(api, cast.dispatcher, category="WY") == {spread["own"], spread["property"]}
    assert list_for(api, cast.dispatcher, category="SZ-LD") == {spread["theirs"]}
    assert list_for(api, cast.dispatcher, category="XX") == set()  # no such category: nothing in it


def test_filter_by_unit(cast, api, spread):
    assert list_for(api, cast.dispatcher, unit=cast.property.pk) == {spread["property"]}
    assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"unit": "美居"}), 400, "invalid", "unit")


def test_filter_overdue(cast, api, spread):
    Appeal.objects.filter(tracking_no=spread["property"]).update(step_due=timezone.now() - timedelta(hours=1))
    assert list_for(api, cast.dispatcher, overdue="true") == {spread["property"]}
    assert list_for(api, cast.dispatcher, overdue="false") == {spread["own"], spread["theirs"]}
    assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"overdue": "perhaps"}), 400, "invalid", "overdue")


def test_overdue_items_say_so(cast, api, spread):
    Appeal.objects.filter(tracking_no=spread["property"]).update(step_due=timezone.now() - timedelta(hours=1))
    [item] = api(cast.property_handler).get("/api/v1/appeals").json()["results"]
    assert item["deadline_state"] == "overdue"


def test_filter_by_text(cast, api, spread):
    assert list_for(api, cast.dispatcher, q="楼道灯") == {spread["theirs"]}
    assert list_for(api, cast.dispatcher, q="老人上下楼") == {spread["own"], spread["theirs"], spread["property"]}
    assert list_for(api, cast.dispatcher, q=spread["property"]) == {spread["property"]}


def test_filter_by_dates_includes_both_days(cast, api, spread):
    today = timezone.localdate()
    week_ago = timezone.now() - timedelta(days=7)
    Appeal.objects.filter(tracking_no=spread["theirs"]).update(created_at=week_ago)
    old_day = timezone.localdate(week_ago)
    assert list_for(api, cast.dispatcher, created_before=old_day.isoformat()) == {spread["theirs"]}
    assert list_for(api, cast.dispatcher, created_after=today.isoformat()) == {spread["own"], spread["property"]}
    assert list_for(api, cast.dispatcher, created_after=old_day.isoformat(), created_before=today.isoformat()) == {
        spread["own"], spread["theirs"], spread["property"]}
    assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"created_after": "昨天"}), 400, "invalid",
                 "created_after")


def test_pages_newest_first(cast, api):
    for i in range(5):
        cast.submit(title=f"第{i}件")
    body = api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    assert [r["title"] for r in body["results"]] == ["第4件", "第3件"]
    last = api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 2, "page": 3}).json()
    assert [r["title"] for r in last["results"]] == ["第0件"] and last["next"] is None
    assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"page": 9}), 404, "not_found")


def test_the_total_is_counted_up_to_a_limit_and_says_so(cast, api, monkeypatch):
    from hubiying.paging import CappedPaginator

    for i in range(5):
        cast.submit(title=f"第{i}件")
    body = api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 2}).json()
    assert body["count"] == 5 and body["count_exact"] is True
    monkeypatch.setattr(CappedPaginator, "count_limit", 3)
    body = api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 2}).json()
    assert body["count"] == 3 and body["count_exact"] is False
    assert [r["title"] for r in body["results"]] == ["第4件", "第3件"] and body["next"]
    # The pages beyond the counted rows are reached by narrowing the filters.
    assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 2, "page": 3}), 404, "not_found")
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    assert api(cast.dispatcher).get("/api/v1/appeals").json()["count_exact"] is True


def test_list_items_are_what_the_declared_fields_give(cast, api):
    from rest_framework import serializers

    from appeals.serializers import AppealListItemSerializer

    cast.appeal_in(Status.REGISTERED)
    appeal = cast.appeal_in(Status.REGISTERED)
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.property.pk)
    body = api(cast.dispatcher).get("/api/v1/appeals").json()["results"]
    declared = AppealListItemSerializer()
    for item in body:
        row = Appeal.objects.select_related("category", "unit").get(pk=item["id"])
        assert item == serializers.Serializer.to_representation(declared, row)
    assert {item["unit"] is None for item in body} == {True, False}
    assert body[0]["status_display"] == "已派单"


def test_page_size_is_1_to_100(cast, api):
    first = cast.submit()
    rows = []
    for i in range(105):
        first.pk, first.tracking_no = None, f"HBY-COPY-{i:04d}"
        rows.append(Appeal(**{f.attname: getattr(first, f.attname) for f in Appeal._meta.concrete_fields}))
    Appeal.objects.bulk_create(rows)
    body = api(cast.dispatcher).get("/api/v1/appeals", {"page_size": 100}).json()
    assert body["count"] == 106 and len(body["results"]) == 100
    assert len(api(cast.dispatcher).get("/api/v1/appeals").json()["results"]) == 20
    # What the schema says: 1 to 100, a whole number (never silently changed).
    for bad in (5000, 0, "", "ten", "2.5"):
        assert_error(api(cast.dispatcher).get("/api/v1/appeals", {"page_size": bad}), 400, "invalid", "page_size")


def test_query_count_does_not_grow_with_rows(cast, api, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            appeal = cast.appeal_in(Status.REGISTERED, title=f"第{i}件")
            services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.property.pk,
                              co_units=[cast.community_unit.pk])

    client = api(cast.handler)  # sees through co-units: the heaviest scope query
    make(2)
    with django_assert_max_num_queries(6) as few:
        assert client.get("/api/v1/appeals").json()["count"] == 2
    make(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/appeals").json()["results"]) == 14



def test_dates_at_the_ends_of_the_calendar_are_no_error(cast, api):
    cast.submit()
    for params in ({"created_after": "0001-01-01"}, {"created_before": "9999-12-31"},
                   {"created_after": "0001-01-01", "created_before": "0001-01-02"}):
        response = api(cast.dispatcher).get("/api/v1/appeals", params)
        assert response.status_code == 200, (params, response.content)
    assert api(cast.dispatcher).get("/api/v1/appeals", {"created_after": "0001-01-01"}).json()["count"] == 1
