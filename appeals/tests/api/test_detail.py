"""GET /api/v1/appeals/{id}: one request as the viewer may see it."""

from __future__ import annotations

import pytest

from appeals import services
from appeals.models import AppealPhoto, Status
from organisations.models import PersonalDataView

from .conftest import assert_error, with_pending_extension
from .test_intake import jpeg


def get(api, user, appeal, **params):
    response = api(user).get(f"/api/v1/appeals/{appeal.pk}", params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_dispatcher_sees_the_whole_request(cast, api):
    appeal = cast.appeal_in(Status.DISPATCHED)
    body = get(api, cast.dispatcher, appeal)
    assert body["tracking_no"] == appeal.tracking_no and body["status"] == "dispatched"
    assert body["category"]["code"] == "WY-DT" and body["node"] == {"code": "HTB-Z-HC-G1-C1", "name": "花城小区"}
    assert body["unit"] == {"id": cast.community_unit.pk, "name": "花城社区居委会"} and body["co_units"] == []
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch"]
    submit, register, dispatch = body["timeline"]
    # The resident is "the resident" to staff, never their account name (it may be a phone number).
    assert submit["from_status"] == "" and submit["to_status"] == "submitted" and submit["actor"] == "居民本人"
    assert register["actor"] == "dispatcher" and register["public"] is True and register["at"]
    deadlines = body["deadlines"]
    assert set(deadlines) == {"step_due", "step_warn_at", "handle_due", "deadline_state", "deadline_estimated",
                              "supervise_due"}
    assert deadlines["deadline_state"] == "ok" and deadlines["handle_due"] and deadlines["supervise_due"] is None
    assert set(body["allowed_actions"]) == {"merge", "note"}


def test_contact_is_masked_unless_revealed(cast, api):
    appeal = cast.appeal_in(Status.DISPATCHED)
    body = get(api, cast.handler, appeal)
    assert body["contact"] == {"name": "王**", "phone": "138****2345", "masked": True}
    assert "13899912345" not in str(body)
    assert not PersonalDataView.objects.exists()


def test_handler_who_must_call_sees_the_full_contact_and_both_fields_are_logged(cast, api):
    appeal = cast.appeal_in(Status.DISPATCHED)
    response = api(cast.handler).post(f"/api/v1/appeals/{appeal.pk}/contact")
    assert response.status_code == 200
    assert response.json() == {"name": "王秀兰", "phone": "13899912345", "masked": False}
    logged = PersonalDataView.objects.order_by("field")
    assert [(v.viewer, v.subject, v.field) for v in logged] == [
        (cast.handler, f"appeal:{appeal.pk}", "contact_name"), (cast.handler, f"appeal:{appeal.pk}", "contact_phone")]


def test_reading_a_request_never_reveals_or_logs_the_contact(cast, api):
    appeal = cast.appeal_in(Status.DISPATCHED)
    body = get(api, cast.handler, appeal, reveal="contact")  # the old query parameter does nothing
    assert body["contact"]["masked"] is True and not PersonalDataView.objects.exists()


@pytest.mark.parametrize("who", ["leader", "supervisor", "grid_worker"])
def test_others_asking_for_the_contact_are_refused_and_nothing_is_logged(cast, api, who):
    appeal = cast.appeal_in(Status.DISPATCHED)
    assert_error(api(getattr(cast, who)).post(f"/api/v1/appeals/{appeal.pk}/contact"), 403, "forbidden")
    assert not PersonalDataView.objects.exists()


def test_anonymous_residents_contact_is_shown_to_nobody(cast, api):
    appeal = cast.appeal_in(Status.DISPATCHED, anonymous=True)
    body = get(api, cast.handler, appeal)
    assert body["contact"]["phone"] == "" and body["contact"]["masked"] is True
    assert "王秀兰" not in str(body)
    assert_error(api(cast.handler).post(f"/api/v1/appeals/{appeal.pk}/contact"), 403, "forbidden")
    assert not PersonalDataView.objects.exists()


def test_resident_sees_the_public_timeline_without_staff_names(cast, api):
    appeal = cast.appeal_in(Status.SIGNED)
    services.add_note(appeal, actor=cast.fresh(cast.dispatcher), content="居民情绪激动，注意沟通")
    body = get(api, cast.resident, appeal)
    assert [e["action"] for e in body["timeline"]] == ["submit", "register", "dispatch", "sign"]
    assert "居民情绪激动" not in str(body)
    actors = [e["actor"] for e in body["timeline"]]
    assert actors == ["", "", "", "花城社区居委会"]  # a resident knows staff only by their unit
    assert set(body["allowed_actions"]) == {"withdraw"}


def test_staff_see_internal_notes_with_their_author(cast, api):
    appeal = cast.appeal_in(Status.SIGNED)
    services.add_note(appeal, actor=cast.fresh(cast.dispatcher), content="居民情绪激动，注意沟通")
    note = get(api, cast.handler, appeal)["timeline"][-1]
    assert note == {**note, "action": "note", "note": "居民情绪激动，注意沟通", "public": False, "actor": "dispatcher"}


def test_pending_extension_is_shown_to_staff_only(cast, api):
    appeal = with_pending_extension(cast, days=3)
    assert get(api, cast.dispatcher, appeal)["pending_extension"] == {"days": 3, "reason": "需要等待配件到货"}
    assert "approve-extension" in get(api, cast.dispatcher, appeal)["allowed_actions"]
    resident_view = get(api, cast.resident, appeal)
    assert resident_view["pending_extension"] is None and "配件" not in str(resident_view)


def test_leader_reads_but_may_do_nothing(cast, api):
    for status in (Status.SUBMITTED, Status.SIGNED, Status.REPLIED):
        body = get(api, cast.leader, cast.appeal_in(status))
        assert body["allowed_actions"] == []


def test_reply_and_evaluation_are_shown(cast, api):
    appeal = cast.appeal_in(Status.EVALUATED)
    body = get(api, cast.dispatcher, appeal)
    assert body["reply"]["result"] == "resolved" and body["reply"]["content"] == "已联系物业维修，电梯恢复运行。"
    assert body["evaluation"]["rating"] == "dissatisfied"
    assert "reopen" in body["allowed_actions"]


def test_co_units_and_photos_are_listed(cast, api):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=cast.fresh(cast.resident), photos=[jpeg()])
    services.register(appeal, actor=cast.fresh(cast.dispatcher))
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.property.pk,
                      co_units=[cast.community_unit.pk])
    body = get(api, cast.handler, appeal)  # a co-unit's handler
    assert body["co_units"] == [{"unit": {"id": cast.community_unit.pk, "name": "花城社区居委会"},
                                 "signed_at": None, "replied_at": None, "content": ""}]
    [photo] = body["photos"]
    token = AppealPhoto.objects.get().token
    assert photo["url"] == f"http://testserver/api/v1/appeals/{appeal.pk}/photos/{token}"
    assert photo["width"] == 40 and photo["with_reply"] is False
    # The photo itself comes through the same access check, never from the media folder.
    image = api(cast.handler).get(photo["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert api(cast.outsider).get(photo["url"]).status_code == 404
    assert api().get(photo["url"]).status_code in (401, 403)


@pytest.mark.parametrize("who", ["outsider", "other_dispatcher", "property_handler"])
def test_a_request_out_of_sight_is_404_never_403(cast, api, who):
    appeal = cast.appeal_in(Status.DISPATCHED)
    assert_error(api(getattr(cast, who)).get(f"/api/v1/appeals/{appeal.pk}"), 404, "not_found")


def test_another_residents_request_is_404(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    neighbour = cast._user("neighbour", ("resident", None, None))
    assert_error(api(neighbour).get(f"/api/v1/appeals/{appeal.pk}"), 404, "not_found")


def test_a_request_that_does_not_exist_is_404(cast, api):
    assert_error(api(cast.admin).get("/api/v1/appeals/999999"), 404, "not_found")


def test_anonymous_caller_gets_401(cast, api):
    appeal = cast.appeal_in(Status.SUBMITTED)
    assert_error(api().get(f"/api/v1/appeals/{appeal.pk}"), 401, "not_authenticated")
