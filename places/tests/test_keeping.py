"""Keeping a place up to date: a station host their own place only, community
staff their subtree's; two people at once never both win."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appeals.models import Appeal, AppealEvent
from places.models import Place

pytestmark = pytest.mark.django_db


def edit(client, place, **data):
    return client.post(f"/work/places/{place.pk}/", data, secure=True)


def test_a_host_sets_todays_hours_and_residents_see_them(client, spots):
    client.force_login(spots.host)
    today = timezone.localdate().isoformat()
    r = edit(client, spots.station, section="special", first=today, closed="0", opens="10:00", closes="16:00",
             note="盘点")
    assert r.status_code == 302
    special = spots.station.special_days.get()
    assert (special.first, special.opens.hour, special.closes.hour) == (timezone.localdate(), 10, 16)
    page = client.get(f"/places/{spots.station.pk}/", secure=True).content.decode()
    assert "10:00–16:00（盘点）" in page


def test_a_host_cannot_touch_another_hosts_place(client, spots):
    client.force_login(spots.host)
    assert client.get(f"/work/places/{spots.lunch.pk}/", secure=True).status_code == 403
    r = edit(client, spots.lunch, section="special", first="2026-06-01", closed="1")
    assert r.status_code == 403 and not spots.lunch.special_days.exists()
    assert [p.name for p in client.get("/work/places/", secure=True).context["page"]] == ["红星超市社区服务驿站"]


def test_a_host_may_not_change_the_record_itself(client, spots):
    client.force_login(spots.host)
    r = edit(client, spots.station, section="manage", name="改名", kind="station", node=spots.station.node_id,
             address="x", lat="44", lng="86")
    assert r.status_code == 403
    assert Place.objects.get(pk=spots.station.pk).name == "红星超市社区服务驿站"


def test_community_staff_manage_every_place_of_their_community_and_none_elsewhere(client, spots, cast):
    client.force_login(spots.staff)
    r = edit(client, spots.lunch, section="manage", name="德福驿站", kind="station", node=cast.community.pk,
             address="花城路1号", lat="44.193", lng="86.901", host="德福包子铺", active="on",
             hosts_text="otherhost stationhost")
    assert r.status_code == 302
    lunch = Place.objects.get(pk=spots.lunch.pk)
    assert lunch.name == "德福驿站" and set(lunch.hosts.values_list("username", flat=True)) == {"otherhost",
                                                                                              "stationhost"}
    assert client.get(f"/work/places/{spots.far.pk}/", secure=True).status_code == 403  # the other city's
    r = edit(client, spots.lunch, section="manage", name="x", kind="station", node=cast.other_community.pk,
             address="x", lat="44", lng="86")
    assert r.status_code == 400 and Place.objects.get(pk=spots.lunch.pk).node_id == cast.community.pk


def test_weekly_hours_with_a_lunch_break_are_saved_and_overlaps_refused(client, spots):
    client.force_login(spots.host)
    seen = Place.objects.get(pk=spots.station.pk).updated_at.isoformat()
    r = edit(client, spots.station, section="hours", seen=seen, holidays="closed", d0_0_opens="09:00",
             d0_0_closes="12:00", d0_1_opens="11:00", d0_1_closes="20:00")
    assert r.status_code == 400 and "重叠" in r.content.decode()
    assert spots.station.hours.count() == 7  # unchanged
    r = edit(client, spots.station, section="hours", seen=seen, holidays="closed", d0_0_opens="09:00",
             d0_0_closes="12:00", d0_1_opens="14:00", d0_1_closes="20:00", d5_0_opens="18:00", d5_0_closes="02:00")
    assert r.status_code == 302
    rows = [(h.day, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in spots.station.hours.all()]
    assert rows == [(0, "09:00", "12:00"), (0, "14:00", "20:00"), (5, "18:00", "02:00")]
    assert Place.objects.get(pk=spots.station.pk).holidays == Place.Holidays.CLOSED


def test_of_two_edits_drawn_from_the_same_page_the_second_is_refused(client, spots):
    client.force_login(spots.host)
    seen = Place.objects.get(pk=spots.station.pk).updated_at.isoformat()
    first = edit(client, spots.station, section="details", seen=seen, phone="0994-1", services=["rest"])
    second = edit(client, spots.station, section="details", seen=seen, phone="0994-2", services=["toilet"])
    assert first.status_code == 302 and second.status_code == 409
    place = Place.objects.get(pk=spots.station.pk)
    assert place.phone == "0994-1" and list(place.services.values_list("code", flat=True)) == ["rest"]
    assert "其他人修改" in second.content.decode()


def test_an_outsider_and_an_anonymous_visitor_reach_no_edit_page(client, spots, cast):
    assert client.get(f"/work/places/{spots.station.pk}/", secure=True).status_code == 302  # to the login
    client.force_login(cast.outsider)
    assert client.get(f"/work/places/{spots.station.pk}/", secure=True).status_code == 403
    assert client.get("/work/places/", secure=True).status_code == 403
    assert client.get("/work/coverage/", secure=True).status_code == 403


def test_a_problem_report_becomes_a_request_placed_at_the_managing_community(client, spots, cast):
    r = client.post(f"/places/{spots.station.pk}/report/", {
        "problem": "broken", "description": "充电器没电", "contact_name": "王师傅", "contact_phone": "13899912345",
    }, secure=True)
    assert r.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.category.code == "place" and appeal.node_id == cast.community.pk
    assert appeal.owner_node_id == cast.town.pk  # the town's dispatcher sends it on
    assert appeal.title.startswith("红星超市社区服务驿站") and "充电器没电" in appeal.description
    assert (appeal.lat, appeal.lng) == (spots.station.lat, spots.station.lng)
    assert AppealEvent.objects.filter(appeal=appeal, action="submit").exists()
    assert r["Location"].startswith(f"/submit/thanks/{appeal.tracking_no}/")


def test_a_problem_report_without_a_phone_stores_nothing(client, spots):
    r = client.post(f"/places/{spots.station.pk}/report/", {"problem": "closed"}, secure=True)
    assert r.status_code == 400 and "电话" in r.content.decode()
    assert not Appeal.objects.exists()


def test_a_special_day_that_ends_before_it_begins_is_refused(client, spots):
    client.force_login(spots.host)
    r = edit(client, spots.station, section="special", first="2026-06-05", last="2026-06-01", closed="1")
    assert r.status_code == 400 and not spots.station.special_days.exists()
    assert 'value="2026-06-05"' in r.content.decode()  # the form kept what was typed
