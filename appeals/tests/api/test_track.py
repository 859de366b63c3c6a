"""GET /api/v1/track/{tracking_no}: the public progress page's data."""

from __future__ import annotations

from appeals import services
from appeals.models import Status

from .conftest import assert_error


def test_anyone_with_the_number_sees_status_and_reply(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    response = api().get(f"/api/v1/track/{appeal.tracking_no}")
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_no"] == appeal.tracking_no and body["status"] == "replied"
    assert body["title"] == "电梯停运三天" and body["category"]["code"] == "WY-DT" and body["created_at"]
    assert body["reply"]["result"] == "resolved" and body["reply"]["content"] == "已联系物业维修，电梯恢复运行。"
    assert body["can_evaluate"] is True
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch", "sign", "reply"]
    assert [e["unit"] for e in body["timeline"]] == [None, None, None, "花城社区居委会", "花城社区居委会"]


def test_track_page_hides_personal_data_and_internal_notes(cast, api):
    appeal = cast.appeal_in(Status.SIGNED, address="花城小区3号楼2单元501", contact_name="王秀兰")
    services.add_note(appeal, actor=cast.fresh(cast.handler), content="居民家有独居老人，上门前先电话")
    services.urge(appeal, actor=cast.fresh(cast.supervisor), content="请加快")
    body = api().get(f"/api/v1/track/{appeal.tracking_no}").json()
    text = str(body)
    for secret in ("13899912345", "2345", "王秀兰", "3号楼2单元501", "独居老人", "请加快", "dispatcher", "handler",
                   "resident", "supervisor", "老人上下楼很困难"):
        assert secret not in text, secret
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch", "sign"]
    assert set(body["timeline"][0]) == {"action", "to_status", "at", "unit"}


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


def test_unknown_number_is_404(db, api):
    assert_error(api().get("/api/v1/track/HBY-20260101-9999"), 404, "not_found")


def test_a_bad_token_header_does_not_get_in_the_way(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token stale")
    assert client.get(f"/api/v1/track/{appeal.tracking_no}").status_code == 200
