"""GET /api/v1/stats as a client sees it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appeals import services
from appeals.tests.api import api_client

pytestmark = pytest.mark.django_db


def _replied(cast, n=3):
    appeals = [cast.appeal_in("replied") for _ in range(n)]
    cast.appeal_in("submitted")
    return appeals


def test_a_leader_gets_the_county_figures_by_default(cast):
    _replied(cast)
    response = api_client(cast.leader).get("/api/v1/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == {"id": str(cast.county.pk), "kind": "county", "name": "呼图壁县"}
    assert body["received"] == 4 and body["replied"] == 3
    assert body["reply_rate"] == 75.0
    assert body["rates"]["reply_rate"] == {"percent": 75.0, "numerator": 3, "denominator": 4}
    # nobody has evaluated yet: no satisfaction rate, not 0 or 100
    assert body["satisfaction_rate"] is None and body["rates"]["satisfaction_rate"]["denominator"] == 0
    assert body["handling_hours_avg"] is not None and body["handling_hours_p90"] is not None
    assert [row["code"] for row in body["by_category"]] == ["WY-DT"]
    assert body["by_category"][0]["received"] == 4
    units = {row["name"]: row for row in body["by_unit"]}
    assert units["花城社区居委会"]["replied"] == 3 and units[""]["received"] == 1
    assert body["by_channel"][0]["code"] == "web"


def test_scope_period_and_category_narrow_the_figures(cast):
    _replied(cast, 2)
    client = api_client(cast.supervisor)
    today = timezone.localdate().isoformat()
    assert client.get(f"/api/v1/stats?scope={cast.community.pk}&from={today}&to={today}").json()["received"] == 3
    assert client.get(f"/api/v1/stats?scope={cast.grid.pk}").json()["received"] == 3
    assert client.get("/api/v1/stats?to=2020-01-01").json()["received"] == 0
    assert client.get("/api/v1/stats?category=SZ").json()["received"] == 0
    assert client.get("/api/v1/stats?category=WY").json()["received"] == 3
    unit = client.get(f"/api/v1/stats?scope=unit-{cast.community_unit.pk}").json()
    assert unit["scope"]["kind"] == "unit" and unit["replied"] == 2 and unit["dispatched"] == 2


def test_a_handler_sees_their_unit_and_nothing_else(cast):
    _replied(cast, 1)
    client = api_client(cast.handler)
    mine = client.get("/api/v1/stats").json()
    assert mine["scope"] == {"id": f"unit-{cast.community_unit.pk}", "kind": "unit", "name": "花城社区居委会"}
    assert mine["replied"] == 1
    refused = client.get(f"/api/v1/stats?scope={cast.county.pk}")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get(f"/api/v1/stats?scope=unit-{cast.department.pk}").status_code == 403


def test_out_of_scope_unknown_and_malformed_answers(cast):
    dispatcher = api_client(cast.dispatcher)
    assert dispatcher.get(f"/api/v1/stats?scope={cast.city.pk}").status_code == 403
    assert dispatcher.get(f"/api/v1/stats?scope={cast.county.pk}").status_code == 403  # above the town
    assert dispatcher.get(f"/api/v1/stats?scope={cast.community.pk}").status_code == 200
    missing = dispatcher.get("/api/v1/stats?scope=999999")
    assert missing.status_code == 404 and missing.json()["field"] == "scope"
    assert dispatcher.get("/api/v1/stats?scope=99999999999999999999999").status_code == 404
    bad = dispatcher.get("/api/v1/stats?from=2026-13-01")
    assert bad.status_code == 400 and bad.json()["field"] == "from"
    backwards = dispatcher.get("/api/v1/stats?from=2026-05-01&to=2026-04-01")
    assert backwards.status_code == 400
    assert dispatcher.get("/api/v1/stats?category=NOPE").status_code == 404
    assert api_client(cast.resident).get("/api/v1/stats").status_code == 403
    assert api_client().get("/api/v1/stats").status_code == 401


def test_the_satisfaction_rate_follows_the_admins_choice(cast):
    from analysis.models import FigureSettings

    for rating in ("satisfied", "basically_satisfied", "dissatisfied", "satisfied"):
        appeal = cast.appeal_in("replied")
        services.evaluate(appeal, actor=cast.fresh(cast.resident), rating=rating)
    client = api_client(cast.leader)
    assert client.get("/api/v1/stats").json()["satisfaction_rate"] == 75.0
    FigureSettings.objects.create(basically=FigureSettings.Basic.EXCLUDED)
    body = client.get("/api/v1/stats").json()
    assert body["satisfaction_rate"] == 66.7
    assert body["rates"]["satisfaction_rate"] == {"percent": 66.7, "numerator": 2, "denominator": 3}


def test_the_stats_endpoint_is_in_the_schema(client):
    schema = client.get("/api/v1/schema?format=json").json()
    operation = schema["paths"]["/api/v1/stats"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"scope", "from", "to", "category"}
    body = schema["components"]["schemas"]["Stats"]["properties"]
    for name in ("received", "registered", "rejected", "replied", "closed", "reply_rate", "on_time_sign_rate",
                 "response_rate", "on_time_rate", "satisfaction_rate", "resolution_rate", "reopen_rate",
                 "return_rate", "overdue_now", "handling_hours_avg", "handling_hours_p90", "by_category",
                 "by_unit", "by_channel", "from", "to"):
        assert name in body, name
