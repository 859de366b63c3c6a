"""GET /api/v1/track/{tracking_no}: the public progress; with the private
token, the request as its resident sees it."""

from __future__ import annotations

from appeals import residents, services
from appeals.models import Status

from .conftest import assert_error


def test_anyone_with_the_number_sees_status_and_reply(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    response = api().get(f"/api/v1/track/{appeal.tracking_no}")
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_no"] == appeal.tracking_no and body["status"] == "replied"
    assert body["category"]["code"] == "WY-DT" and body["created_at"] and body["area"] == "花城社区"
    assert body["reply"]["result"] == "resolved" and body["reply"]["content"] == "已联系物业维修，电梯恢复运行。"
    assert body["can_evaluate"] is True and body["proven"] is False
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch", "sign", "reply"]
    assert [e["unit"] for e in body["timeline"]] == [None, None, "花城社区居委会", "花城社区居委会", "花城社区居委会"]


def test_the_number_alone_shows_nothing_the_resident_wrote(cast, api):
    appeal = cast.appeal_in(Status.SIGNED, address="花城小区3号楼2单元501", contact_name="王秀兰",
                            title="王秀兰家电梯坏了")
    services.add_note(appeal, actor=cast.fresh(cast.handler), content="居民家有独居老人，上门前先电话")
    services.urge(appeal, actor=cast.fresh(cast.supervisor), content="请加快")
    body = api().get(f"/api/v1/track/{appeal.tracking_no}").json()
    text = str(body)
    for secret in ("13899912345", "2345", "王秀兰", "3号楼2单元501", "独居老人", "请加快", "dispatcher", "handler",
                   "resident", "supervisor", "老人上下楼很困难", "电梯坏了", "花城小区"):
        assert secret not in text, secret
    assert "title" not in body and "description" not in body
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch", "sign"]
    assert set(body["timeline"][0]) == {"action", "label", "to_status", "at", "unit", "text"}


def test_the_private_token_shows_the_resident_what_they_wrote(cast, api):
    appeal = cast.appeal_in(Status.CLOSED, address="花城小区3号楼2单元501")
    response = api().get(f"/api/v1/track/{appeal.tracking_no}", {"token": residents.token_for(appeal)})
    body = response.json()
    assert response.status_code == 200 and body["proven"] is True
    assert body["title"] == "电梯停运三天" and body["address"] == "花城小区3号楼2单元501"
    assert "老人上下楼很困难" in body["description"] and body["photos"] == []


def test_a_wrong_token_is_403(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(api().get(f"/api/v1/track/{appeal.tracking_no}", {"token": "a" * 24}), 403, "wrong_token",
                 "token")
    assert_error(api().get(f"/api/v1/track/{appeal.tracking_no}", {"token": "short"}), 400, "invalid", "token")


def test_rejected_request_shows_the_reason(cast, api):
    appeal = cast.appeal_in(Status.REJECTED)
    body = api().get(f"/api/v1/track/{appeal.tracking_no}").json()
    assert body["status"] == "rejected" and body["reject_reason"] == "重复提交" and body["reply"] is None
    assert body["can_evaluate"] is False


def test_merged_request_points_to_the_one_to_follow(cast, api):
    appeal = cast.appeal_in(Status.REGISTERED)
    target = cast.submit(title="3号楼电梯")
    services.merge(appeal, actor=cast.fresh(cast.dispatcher), into=target.pk)
    assert api().get(f"/api/v1/track/{appeal.tracking_no}").json()["merged_into"] == target.tracking_no


def test_the_number_may_be_typed_loosely(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    loose = appeal.tracking_no.removeprefix("HBY-").replace("-", "").lower()
    assert api().get(f"/api/v1/track/{loose}").json()["tracking_no"] == appeal.tracking_no


def test_unknown_number_is_404(db, api):
    assert_error(api().get("/api/v1/track/HBY-20260101-ZZZZZZ"), 404, "not_found")


def test_a_bad_token_header_does_not_get_in_the_way(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token stale")
    assert client.get(f"/api/v1/track/{appeal.tracking_no}").status_code == 200


def test_one_client_walking_numbers_is_stopped_with_an_honest_retry_after(cast, api, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "track": (3, 60)}
    client = api()
    answers = [client.get(f"/api/v1/track/HBY-20261201-AAAA{c}{c}") for c in "2345"]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert_error(answers[-1], 429, "too_many_requests")
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    other = api()
    assert other.get("/api/v1/track/HBY-20261201-AAAA22", REMOTE_ADDR="10.0.0.9").status_code == 404
