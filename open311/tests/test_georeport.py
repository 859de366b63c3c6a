"""A real, independent Open311 client against a running server: the request is
filed as every GeoReport client files it (a form-encoded POST with the
api_key: the `georeport` package from PyPI reads only), then followed with
`georeport.GeoReport` in JSON and in XML."""

from __future__ import annotations

import pytest
import requests
import xmltodict
from georeport import GeoReport

from analysis.models import FigureSettings
from appeals import services
from appeals.models import Appeal, Question
from open311 import keys
from open311.models import ApiClient


@pytest.fixture
def server(live_server, cast, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    Question.objects.create(category=cast.category, code="trapped", description="有人被困吗？",
                            datatype=Question.Datatype.SINGLE, required=True, options="yes=有人被困\nno=没有人被困")
    FigureSettings.objects.create(public_requests=True)
    return live_server.url + "/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_follows_a_request_filed_by_form(server, cast, fmt):
    key = keys.issue(ApiClient(name="GeoReport"))
    city = GeoReport(server, jurisdiction="hubiying.local", api_key=key, output_format=fmt)

    listed = city.get_service_list()
    lift = next(s for s in listed if s["service_code"] == "WY-DT")
    assert lift["service_name"] == "电梯故障" and str(lift["metadata"]).lower() == "true"
    definition = city.get_service_definition("WY-DT")
    attributes = definition["attributes"]
    attribute = attributes["attribute"] if fmt == "xml" else attributes[0]  # xmltodict: one item is no list
    assert attribute["code"] == "trapped" and str(attribute["required"]).lower() == "true"

    filed = requests.post(f"{server}/requests.{fmt}", data={
        "api_key": key, "jurisdiction_id": "hubiying.local", "service_code": "WY-DT",
        "lat": "44.1911", "long": "86.9012", "description": "花城小区电梯停运，老人下不了楼。",
        "first_name": "秀兰", "last_name": "王", "phone": "13899912345", "attribute[trapped]": "no",
    }, timeout=10)
    assert filed.status_code == 200, filed.text
    answer = filed.json()[0] if fmt == "json" else xmltodict.parse(filed.content)["service_requests"]["request"]
    number = answer["service_request_id"]

    one = city.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    assert "王秀兰" not in str(one) and "13899912345" not in str(one)
    by_id = city.get_service_requests(service_request_id=number)
    by_id = by_id if isinstance(by_id, list) else [by_id]
    assert [r["service_request_id"] for r in by_id] == [number]

    # The staff handle it; the client sees it answered, then closed by the resident's verdict.
    appeal = Appeal.objects.get(tracking_no=number)
    services.register(appeal, actor=cast.fresh(cast.dispatcher))
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk)
    services.sign_for(appeal, actor=cast.fresh(cast.handler))
    services.reply(appeal, actor=cast.fresh(cast.handler), result="resolved", content="电梯已修复。")
    assert city.get_service_request(number)["status_notes"] == "电梯已修复。"
    verdict = requests.post(f"{server}/servicerequestupdates.{fmt}", data={
        "api_key": key, "service_request_id": number, "status": "FIXED", "description": "修好了，谢谢",
    }, timeout=10)
    assert verdict.status_code == 200, verdict.text
    assert city.get_service_request(number)["status"] == "closed"
    closed = city.get_service_requests(status="closed", service_code="WY-DT")
    closed = closed if isinstance(closed, list) else [closed]
    assert number in [r["service_request_id"] for r in closed]
