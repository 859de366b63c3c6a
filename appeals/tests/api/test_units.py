"""GET /api/v1/units."""

from __future__ import annotations

from .conftest import assert_error


def test_dispatcher_gets_the_units_of_their_town_and_the_county(cast, api):
    body = api(cast.dispatcher).get("/api/v1/units").json()
    assert {u["name"] for u in body} == {"花城社区居委会", "呼图壁县城管局", "美居物业"}
    department = next(u for u in body if u["id"] == cast.department.pk)
    assert department["kind"] == "department"


def test_other_towns_dispatcher_gets_only_their_own_units(cast, api):
    body = api(cast.other_dispatcher).get("/api/v1/units").json()
    assert [u["name"] for u in body] == ["北京南路社区居委会"]


def test_handler_may_dispatch_to_nobody(cast, api):
    assert api(cast.handler).get("/api/v1/units").json() == []


def test_anonymous_caller_gets_401(db, api):
    assert_error(api().get("/api/v1/units"), 401, "not_authenticated")
