"""GET /api/v1/me."""

from __future__ import annotations

from .conftest import assert_error


def test_me_lists_roles_with_their_node_or_unit(cast, api):
    body = api(cast.dispatcher).get("/api/v1/me").json()
    assert body["username"] == "dispatcher" and body["superuser"] is False
    [role] = body["roles"]
    assert role["role"] == "dispatcher"
    assert role["node"] == {"code": "HTB-Z", "name": "呼图壁镇"} and role["unit"] is None


def test_handler_role_names_its_unit(cast, api):
    [role] = api(cast.handler).get("/api/v1/me").json()["roles"]
    assert role["role"] == "handler"
    assert role["unit"] == {"id": cast.community_unit.pk, "name": "花城社区居委会"} and role["node"] is None


def test_anonymous_caller_gets_401(db, api):
    assert_error(api().get("/api/v1/me"), 401, "not_authenticated")
