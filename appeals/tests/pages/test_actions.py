"""The action forms of the staff request page: each POSTs to
/work/appeals/<id>/<action>/, which calls services.ACTIONS[action]."""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, AppealEvent, Status


def post(client, appeal, action, data=None, **extra):
    return client.post(reverse("appeal_action", args=[appeal.pk, action]), data or {}, **extra)


def shown_messages(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def unchanged(appeal) -> bool:
    """The row and its timeline are as the test read them before acting."""
    fresh = Appeal.objects.get(pk=appeal.pk)
    events = AppealEvent.objects.filter(appeal=appeal).count()
    return (fresh.status, fresh.version, fresh.unit_id, events) == (
        appeal.status, appeal.version, appeal.unit_id, appeal.event_count)


def read(appeal) -> Appeal:
    appeal.event_count = appeal.events.count()
    return appeal


# (state before, who acts, action, form data, state after)
HAPPY = [
    ("submitted", "dispatcher", "register", {"note": ""}, Status.REGISTERED),
    ("submitted", "dispatcher", "reject", {"reason": "重复提交"}, Status.REJECTED),
    ("registered", "dispatcher", "dispatch", {"unit": "COMMUNITY_UNIT", "note": "请尽快处理"}, Status.DISPATCHED),
    ("dispatched", "handler", "sign", {}, Status.SIGNED),
    ("dispatched", "handler", "return", {"reason": "不属于本社区"}, Status.RETURNED),
    ("signed", "handler", "start", {"note": ""}, Status.IN_PROGRESS),
    ("signed", "handler", "reply", {"result": "resolved", "content": "已修复"}, Status.REPLIED),
    ("replied", "dispatcher", "callback", {"outcome": "dissatisfied", "comment": "回访记录"}, Status.EVALUATED),
    ("evaluated", "dispatcher", "close", {"note": ""}, Status.CLOSED),
    ("evaluated", "dispatcher", "reopen", {"reason": "居民仍不满意"}, Status.REOPENED),
]


@pytest.mark.parametrize("before, who, action, data, after", HAPPY, ids=[h[2] for h in HAPPY])
def test_an_action_through_its_form_moves_the_request(as_user, cast, before, who, action, data, after):
    appeal = cast.appeal_in(before)
    if data.get("unit") == "COMMUNITY_UNIT":
        data = {**data, "unit": str(cast.community_unit.pk)}
    client = as_user(getattr(cast, who))
    response = post(client, appeal, action, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("appeal_detail", args=[appeal.pk])
    appeal.refresh_from_db()
    assert appeal.status == after
    event = appeal.events.filter(action="evaluate" if action == "callback" else action).latest("pk")
    assert event.actor == getattr(cast, who)
    assert 'class="message message-success"' in shown_messages(client, response)


def test_dispatching_sets_the_lead_unit_and_co_units(as_user, cast):
    appeal = cast.appeal_in("registered")
    post(as_user(cast.dispatcher), appeal, "dispatch",
         {"unit": str(cast.community_unit.pk), "co_units": [str(cast.property.pk)]})
    appeal.refresh_from_db()
    assert appeal.unit == cast.community_unit
    assert list(appeal.co_units.all()) == [cast.property]


def test_the_dispatcher_approves_an_extension_with_one_button(as_user, cast):
    appeal = cast.appeal_in("signed")
    services.request_extension(appeal, actor=cast.fresh(cast.handler), days=2, reason="等配件")
    appeal.refresh_from_db()
    due = appeal.handle_due
    post(as_user(cast.dispatcher), appeal, "approve-extension", {"approve": "1"})
    appeal.refresh_from_db()
    assert appeal.pending_extension_days is None and appeal.extension_count == 1 and appeal.handle_due > due


def test_a_supervisor_urges_and_supervises(as_user, cast):
    appeal = cast.appeal_in("signed")
    client = as_user(cast.supervisor)
    post(client, appeal, "urge", {"content": "请加快办理"})
    post(client, appeal, "supervise", {"content": "列入督办"})
    appeal.refresh_from_db()
    assert appeal.supervised
    assert list(appeal.events.filter(action__in=["urge", "supervise"]).values_list("action", flat=True)) == [
        "urge", "supervise"]


def test_a_merge_names_the_other_request_by_its_tracking_number(as_user, cast):
    first, duplicate = cast.appeal_in("registered"), cast.appeal_in("submitted")
    post(as_user(cast.dispatcher), duplicate, "merge", {"into": first.tracking_no.lower()})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == first


def test_the_wrong_role_is_refused_with_a_message_and_nothing_changes(as_user, cast):
    appeal = read(cast.appeal_in("dispatched"))
    client = as_user(cast.dispatcher)  # signing for is the handler's
    response = post(client, appeal, "sign")
    assert response.status_code == 302
    assert unchanged(appeal)
    assert 'class="message message-error"' in shown_messages(client, response)


def test_the_read_only_leader_is_refused(as_user, cast):
    appeal = read(cast.appeal_in("signed"))
    client = as_user(cast.leader)
    response = post(client, appeal, "reply", {"result": "resolved", "content": "领导代答"})
    assert unchanged(appeal)
    assert "You may not do this to this request." in shown_messages(client, response)


def test_an_action_in_the_wrong_state_is_refused(as_user, cast):
    appeal = read(cast.appeal_in("dispatched"))
    client = as_user(cast.handler)
    response = post(client, appeal, "reply", {"result": "resolved", "content": "还没签收就答复"})
    assert unchanged(appeal)
    assert 'class="message message-error"' in shown_messages(client, response)


@pytest.mark.parametrize("action, data", [
    ("reject", {"reason": ""}),
    ("dispatch", {"unit": ""}),
    ("dispatch", {"unit": "999999"}),
])
def test_missing_or_bad_fields_are_refused_and_nothing_changes(as_user, cast, action, data):
    appeal = read(cast.appeal_in("registered"))
    client = as_user(cast.dispatcher)
    response = post(client, appeal, action, data)
    assert unchanged(appeal)
    assert 'class="message message-error"' in shown_messages(client, response)


def test_a_reply_without_text_is_refused(as_user, cast):
    appeal = read(cast.appeal_in("signed"))
    client = as_user(cast.handler)
    response = post(client, appeal, "reply", {"result": "resolved", "content": "  "})
    assert unchanged(appeal)
    assert "Please give the reply." in shown_messages(client, response)


def test_a_dispatcher_cannot_send_work_to_another_towns_unit(as_user, cast):
    appeal = read(cast.appeal_in("registered"))
    post(as_user(cast.dispatcher), appeal, "dispatch", {"unit": str(cast.other_unit.pk)})
    assert unchanged(appeal)


def test_the_outsider_gets_not_found_and_nothing_changes(as_user, cast):
    appeal = read(cast.appeal_in("dispatched"))
    response = post(as_user(cast.outsider), appeal, "sign")
    assert response.status_code == 404
    assert unchanged(appeal)


def test_unknown_actions_and_gets_are_not_accepted(as_user, cast):
    appeal = read(cast.appeal_in("submitted"))
    client = as_user(cast.dispatcher)
    assert post(client, appeal, "explode").status_code == 404
    assert post(client, appeal, "withdraw").status_code == 404  # the resident's, not a staff form
    assert client.get(reverse("appeal_action", args=[appeal.pk, "register"])).status_code == 405
    assert unchanged(appeal)


def test_next_returns_to_the_overdue_list_but_never_off_site(as_user, cast):
    appeal = cast.appeal_in("signed")
    client = as_user(cast.supervisor)
    back = post(client, appeal, "urge", {"content": "请加快", "next": reverse("overdue")})
    assert back["Location"] == reverse("overdue")
    away = post(client, appeal, "urge", {"content": "再催", "next": "https://evil.example/"})
    assert away["Location"] == reverse("appeal_detail", args=[appeal.pk])


def test_the_reply_carries_photos_of_the_result(as_user, cast):
    from appeals import residents
    from appeals.models import AppealPhoto

    from .conftest import png

    appeal = cast.appeal_in("signed")
    client = as_user(cast.handler)
    page_html = client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page_html and "data-photo-preview" in page_html
    response = client.post(reverse("appeal_action", args=[appeal.pk, "reply"]),
                           {"result": "resolved", "content": "已更换灯泡", "photos": [png("after.png")]})
    assert response.status_code == 302
    photo = AppealPhoto.objects.get(appeal=appeal)
    assert photo.event.action == "reply"
    staff_page = client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    assert reverse("appeal_photo", args=[appeal.pk, photo.token]) in staff_page
    resident_page = client.get(residents.private_path(appeal)).content.decode()
    assert reverse("track_photo", args=[appeal.tracking_no, residents.token_for(appeal), photo.token]) in resident_page


def test_a_co_unit_signs_and_replies_to_its_part_and_the_lead_waits_or_says_why(as_user, cast):
    appeal = cast.appeal_in("registered")
    post(as_user(cast.dispatcher), appeal, "dispatch",
         {"unit": str(cast.community_unit.pk), "co_units": [str(cast.property.pk)]})
    lead = as_user(cast.handler)
    post(lead, appeal, "sign", {})
    response = post(lead, appeal, "reply", {"result": "resolved", "content": "已修复"})
    assert "have not replied to their part yet" in shown_messages(lead, response)
    appeal.refresh_from_db()
    assert appeal.status == Status.SIGNED
    co = as_user(cast.property_handler)
    body = co.get(reverse("workbench") + "?tab=assist").content.decode()
    assert appeal.tracking_no in body
    post(co, appeal, "co-sign", {})
    post(co, appeal, "co-reply", {"content": "物业已派电工配合"})
    lead = as_user(cast.handler)
    page_html = lead.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    assert "物业已派电工配合" in page_html and 'data-co-unit="' in page_html
    post(lead, appeal, "reply", {"result": "resolved", "content": "已修复"})
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED
