"""GET /api/v1/appeals/{id}: the suggestion, for those who may dispatch it now."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from appeals import services
from appeals.models import Status
from appeals.tests.api import api_client
from routing.models import Rule


def suggestion(user, appeal):
    response = api_client(user).get(f"/api/v1/appeals/{appeal.pk}")
    assert response.status_code == 200, response.json()
    return response.json()["suggestion"]


def test_the_dispatcher_sees_the_classifiers_proposal(cast, served):
    appeal = cast.appeal_in(Status.REGISTERED, title="花城小区路灯不亮", description="路灯不亮一周了，晚上很黑。")
    s = suggestion(cast.dispatcher, appeal)
    assert s["source"] == "model" and s["category"] == {"code": "SZ-LD", "name": "路灯不亮"}
    assert s["unit"] is None and s["co_units"] == [] and 0 <= s["confidence"] <= 1 and "路灯" in s["words"]


def test_a_rule_shows_its_units(cast):
    rule = Rule.objects.create(category=cast.category, area=cast.town, unit=cast.community_unit)
    rule.co_units.add(cast.property)
    s = suggestion(cast.dispatcher, cast.appeal_in(Status.REGISTERED))
    assert s == {"category": {"code": "WY-DT", "name": "电梯故障"},
                 "unit": {"id": cast.community_unit.pk, "name": "花城社区居委会"},
                 "co_units": [{"id": cast.property.pk, "name": "美居物业"}], "confidence": 1.0, "words": [],
                 "source": "rule"}


@pytest.mark.parametrize("who", ["supervisor", "leader", "grid_worker"])
def test_others_who_see_the_request_get_no_suggestion(cast, served, who):
    assert suggestion(getattr(cast, who), cast.appeal_in(Status.REGISTERED)) is None


def test_no_suggestion_once_dispatched(cast, served):
    appeal = cast.appeal_in(Status.REGISTERED)
    assert suggestion(cast.dispatcher, appeal) is not None
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk)
    assert suggestion(cast.dispatcher, appeal) is None
    assert suggestion(cast.handler, appeal) is None


def test_the_outsider_still_gets_404(cast, served):
    appeal = cast.appeal_in(Status.REGISTERED)
    assert api_client(cast.outsider).get(f"/api/v1/appeals/{appeal.pk}").status_code == 404


def test_the_schema_documents_the_suggestion(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schemas = yaml.safe_load(out.read_text())["components"]["schemas"]
    assert "suggestion" in schemas["AppealDetail"]["properties"]
    assert set(schemas["Suggestion"]["properties"]) == {"category", "unit", "co_units", "confidence", "words",
                                                       "source"}
