"""The pages: a resident signs up with a code and cancels by the private link;
an organiser creates an event, sees who comes with masked phones, checks
people in; organisers of another community are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event, Programme, Signup
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage

pytestmark = pytest.mark.django_db
S = Signup.State


def last_code(phone) -> str:
    from conftest import deliver

    deliver()
    return [m for m in sms.outbox if m["template"] == SmsMessage.Template.ONE_TIME_CODE
            and m["phone"] == phone][-1]["params"]["code"]


def test_a_resident_signs_up_with_a_code_then_cancels_by_the_private_link(client, make_event):
    event = make_event(capacity=1)
    page = client.get(f"/events/{event.pk}/", secure=True)
    assert page.status_code == 200 and "已报名 0 人，共 1 个名额" in page.content.decode()
    sent = client.post(f"/events/{event.pk}/signup/", {"name": "王阿姨", "phone": "13900001234"}, secure=True)
    assert sent.status_code == 200 and "尾号 1234 的手机" in sent.content.decode()
    done = client.post(f"/events/{event.pk}/signup/", {"name": "王阿姨", "phone": "13900001234",
                                                       "code": last_code("13900001234")}, secure=True)
    signup = Signup.objects.get()
    assert done.status_code == 302 and done["Location"] == services.private_path(signup)
    mine = client.get(done["Location"], secure=True)
    assert mine.status_code == 200 and 'data-signup-state="confirmed"' in mine.content.decode()
    assert client.get(f"/events/s/{signup.pk}/{'a' * 24}/", secure=True).status_code == 404
    cancelled = client.post(done["Location"], {"action": "cancel"}, secure=True)
    assert cancelled.status_code == 302
    signup.refresh_from_db()
    assert signup.state == S.CANCELLED


def test_a_full_event_offers_the_waiting_list_and_a_wrong_code_is_said_next_to_its_field(client, make_event):
    event = make_event(capacity=1)
    Signup.objects.create(event=event, name="甲", phone="13900000000", state=S.CONFIRMED)
    page = client.get(f"/events/{event.pk}/", secure=True).content.decode()
    assert "候补" in page
    client.post(f"/events/{event.pk}/signup/", {"name": "乙", "phone": "13900000001"}, secure=True)
    wrong = client.post(f"/events/{event.pk}/signup/", {"name": "乙", "phone": "13900000001", "code": "000000"},
                        secure=True)
    assert wrong.status_code == 400 and 'data-error-for="code"' in wrong.content.decode()
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    right = client.post(f"/events/{event.pk}/signup/", {"name": "乙", "phone": "13900000001",
                                                        "code": last_code("13900000001")}, secure=True)
    assert right.status_code == 302
    waiting = client.get(right["Location"], secure=True).content.decode()
    assert 'data-signup-state="waiting"' in waiting and "候补第 1 位" in waiting.replace("候补第1位", "候补第 1 位")


def test_the_community_page_shows_its_plan_theme_and_events(client, cast, make_event):
    today = timezone.localdate()
    Programme.objects.create(node=cast.community, period="quarter", title="文明花城季",
                             starts_on=today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1))
    Programme.objects.create(node=cast.community, period="month", title="邻里文化节", starts_on=today.replace(day=1))
    make_event(title="包饺子")
    make_event(title="未发布的", published=False)
    page = client.get(f"/events/c/{cast.community.code}/", secure=True).content.decode()
    assert "文明花城季" in page and "邻里文化节" in page and "包饺子" in page and "未发布的" not in page


def test_an_organiser_creates_an_event_and_checks_people_in_with_phones_masked(client, cast, organiser,
                                                                               other_organiser, make_event):
    client.force_login(organiser)
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    created = client.post("/work/events/new/", {
        "node": str(cast.community.pk), "title": "一起来摊玩", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "capacity": "30",
        "audience": "children", "published": "on"}, secure=True)
    event = Event.objects.get(title="一起来摊玩")
    assert created.status_code == 302 and event.organiser == organiser and event.capacity == 30
    Signup.objects.create(event=event, name="张三", phone="13912345678", state=S.CONFIRMED)
    page = client.get(f"/work/events/{event.pk}/", secure=True).content.decode()
    assert "139****5678" in page and "13912345678" not in page and "data-door-qr" in page
    signup = event.signups.get()
    client.post(f"/work/events/{event.pk}/", {"section": "checkin", "signup": signup.pk}, secure=True)
    signup.refresh_from_db()
    assert signup.state == S.ATTENDED
    client.force_login(other_organiser)
    assert client.get(f"/work/events/{event.pk}/", secure=True).status_code == 403
    assert "一起来摊玩" not in client.get("/work/events/", secure=True).content.decode()
    ends_before = client.post("/work/events/new/", {
        "node": str(cast.other_community.pk), "title": "倒着的", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "audience": "everyone"}, secure=True)
    assert ends_before.status_code == 400 and not Event.objects.filter(title="倒着的").exists()


def test_a_resident_checks_in_at_the_door_with_the_events_qr(client, make_event):
    event = make_event(days=0, starts_at=timezone.now() - timedelta(minutes=10),
                       ends_at=timezone.now() + timedelta(hours=1))
    Signup.objects.create(event=event, name="李奶奶", phone="13900000000", state=S.CONFIRMED)
    url = f"/events/{event.pk}/checkin/{event.checkin_token}/"
    assert client.get(url, secure=True).status_code == 200
    assert client.get(f"/events/{event.pk}/checkin/wrong/", secure=True).status_code == 404
    done = client.post(url, {"phone": "13900000000"}, secure=True)
    assert done.status_code == 200 and "data-checked-in" in done.content.decode()
    assert Signup.objects.get().state == S.ATTENDED
