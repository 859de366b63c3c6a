"""Opening hours as a resident reads them: lunch breaks, past midnight, public
holidays and adjusted working days from the working calendar, one-off days."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from places import hours
from places.models import Hours, Place, SpecialDay
from workcalendar.models import CalendarDay

from .spots import week

pytestmark = pytest.mark.django_db


def at(y, m, d, hh, mm=0) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hh, mm))


@pytest.fixture
def place(cast):
    return Place.objects.create(name="驿站", kind=Place.Kind.STATION, node=cast.community, address="x", lat=44.19,
                                lng=86.9)


def fresh(place) -> Place:
    return Place.objects.prefetch_related("hours", "special_days").get(pk=place.pk)


# 2026-06-01 is a Monday and an ordinary working day.

def test_a_lunch_break_is_closed_between_the_two_periods(place):
    week(place, [(time(9, 0), time(12, 0)), (time(14, 0), time(20, 0))])
    p = fresh(place)
    assert hours.is_open(p, at(2026, 6, 1, 11, 59))
    assert not hours.is_open(p, at(2026, 6, 1, 12, 0))
    state = hours.status(p, at(2026, 6, 1, 13, 0))
    assert not state.open and timezone.localtime(state.next_open).time() == time(14, 0)
    assert state.label == "休息中 · 14:00 开门"
    assert hours.text(state.today) == "09:00–12:00、14:00–20:00"


def test_a_period_past_midnight_is_open_in_the_small_hours_of_the_next_day(place):
    Hours.objects.create(place=place, day=4, opens=time(18, 0), closes=time(2, 0))  # Friday night
    p = fresh(place)
    assert hours.is_open(p, at(2026, 6, 5, 23, 30))
    assert hours.is_open(p, at(2026, 6, 6, 1, 30))  # Saturday 01:30, from Friday's row
    assert not hours.is_open(p, at(2026, 6, 6, 2, 0))
    state = hours.status(p, at(2026, 6, 5, 23, 0))
    assert state.open and timezone.localtime(state.until) == at(2026, 6, 6, 2, 0)
    assert "次日" in hours.text(hours.day(p, date(2026, 6, 5)))


def test_a_24_hour_place_is_open_at_any_time_without_a_closing_time(place):
    place.open_24h = True
    place.save()
    p = fresh(place)
    state = hours.status(p, at(2026, 6, 1, 3, 0))
    assert state.open and state.until is None and state.label == "营业中"
    assert hours.text(state.today) == "24小时营业"


def test_a_place_closed_on_public_holidays_is_closed_on_national_day_even_when_24_hours(place):
    place.open_24h = True
    place.holidays = Place.Holidays.CLOSED
    place.save()
    p = fresh(place)
    assert not hours.is_open(p, at(2026, 10, 2, 13, 0))  # a Friday inside the National Day break
    assert not hours.is_open(p, at(2026, 10, 3, 13, 0))  # a Saturday inside it: a holiday too
    assert hours.is_open(p, at(2026, 10, 9, 13, 0))  # after it
    assert hours.text(hours.day(p, date(2026, 10, 2))) == "法定节假日休息"


def test_own_holiday_hours_replace_the_weekday_on_a_holiday(place):
    week(place, [(time(9, 0), time(20, 0))], days=range(7))
    Hours.objects.create(place=place, day=Hours.HOLIDAY, opens=time(12, 0), closes=time(14, 0))
    place.holidays = Place.Holidays.OWN
    place.save()
    p = fresh(place)
    assert hours.is_open(p, at(2026, 10, 2, 13, 0)) and not hours.is_open(p, at(2026, 10, 2, 10, 0))
    assert hours.is_open(p, at(2026, 10, 9, 10, 0))


def test_an_adjusted_working_day_opens_with_mondays_hours_for_an_office(place):
    week(place, [(time(10, 0), time(14, 0)), (time(16, 0), time(20, 0))], days=range(5))
    place.follows_workdays = True
    place.save()
    p = fresh(place)
    # Saturday 2026-10-10 is worked to make up the National Day break (调休上班).
    assert hours.is_open(p, at(2026, 10, 10, 11, 0))
    assert not hours.is_open(p, at(2026, 10, 17, 11, 0))  # an ordinary Saturday
    place.follows_workdays = False
    place.save()
    assert not hours.is_open(fresh(place), at(2026, 10, 10, 11, 0))  # a shop keeps its Saturday


def test_an_override_of_the_calendar_makes_a_holiday_for_the_hours_too(place):
    week(place, [(time(9, 0), time(20, 0))])
    place.holidays = Place.Holidays.CLOSED
    place.save()
    CalendarDay.objects.create(date=date(2026, 6, 3), is_workday=False, note="地方假日")
    assert not hours.is_open(fresh(place), at(2026, 6, 3, 10, 0))
    assert hours.is_open(fresh(place), at(2026, 6, 2, 10, 0))


def test_a_one_off_closure_beats_every_other_rule(place):
    place.open_24h = True
    place.save()
    SpecialDay.objects.create(place=place, first=date(2026, 6, 1), last=date(2026, 6, 3), note="装修")
    p = fresh(place)
    assert not hours.is_open(p, at(2026, 6, 2, 12, 0))
    assert hours.is_open(p, at(2026, 6, 4, 0, 30))
    state = hours.status(p, at(2026, 6, 2, 12, 0))
    assert hours.text(state.today) == "休息（装修）"
    assert timezone.localtime(state.next_open) == at(2026, 6, 4, 0, 0)


def test_one_off_hours_replace_the_days_hours(place):
    week(place, [(time(9, 0), time(21, 0))])
    SpecialDay.objects.create(place=place, first=date(2026, 6, 1), last=date(2026, 6, 1), opens=time(10, 0),
                              closes=time(16, 0), note="盘点")
    p = fresh(place)
    assert not hours.is_open(p, at(2026, 6, 1, 9, 30)) and not hours.is_open(p, at(2026, 6, 1, 17, 0))
    assert hours.is_open(p, at(2026, 6, 1, 15, 0))
    assert hours.text(hours.day(p, date(2026, 6, 1))) == "10:00–16:00（盘点）"


def test_a_place_with_no_hours_is_closed_with_no_next_opening(place):
    state = hours.status(fresh(place), at(2026, 6, 1, 12, 0))
    assert not state.open and state.next_open is None and state.label == "休息"


def test_the_week_lists_each_day_and_the_holiday_rule(place):
    week(place, [(time(9, 0), time(12, 0)), (time(14, 0), time(20, 0))], days=range(5))
    place.holidays = Place.Holidays.CLOSED
    place.save()
    rows = dict(hours.week(fresh(place)))
    assert rows["星期一"] == "09:00–12:00、14:00–20:00"
    assert rows["星期日"] == "休息"
    assert rows["法定节假日"] == "休息"


def test_every_way_of_writing_hours_keeps_the_place_copy_that_readers_use(place):
    # The admin's inline saves and deletes rows one by one; the keeping pages write in bulk.
    row = Hours.objects.create(place=place, day=0, opens=time(9), closes=time(12))
    assert fresh(place).week == "09:00-12:00" and hours.is_open(fresh(place), at(2026, 6, 1, 11))
    row.closes = time(10)
    row.save()
    assert not hours.is_open(fresh(place), at(2026, 6, 1, 11))
    Hours.objects.filter(place=place).update(closes=time(12, 30, 15))
    assert fresh(place).week == "09:00-12:30:15" and hours.is_open(fresh(place), at(2026, 6, 1, 12, 30))
    week(place, [(time(14), time(2))], days=[6])  # Sunday night into Monday
    assert fresh(place).week == "09:00-12:30:15||||||14:00-02:00"
    assert hours.is_open(fresh(place), at(2026, 6, 1, 1, 30))
    assert dict(hours.week(fresh(place)))["星期日"] == "14:00–次日 02:00"
    row.delete()
    assert fresh(place).week == "||||||14:00-02:00"
    place.hours.all().delete()
    assert fresh(place).week == "" and not hours.is_open(fresh(place), at(2026, 6, 1, 1, 30))


def test_places_with_the_same_hours_differ_when_one_has_a_special_day(cast, place):
    from places import nearby

    twin = Place.objects.create(name="孪生驿站", kind=Place.Kind.STATION, node=cast.community, address="y",
                                lat=44.1901, lng=86.9)
    for p in (place, twin):
        week(p, [(time(9), time(21))])
    SpecialDay.objects.create(place=twin, first=date(2026, 6, 1), last=date(2026, 6, 1), note="盘点")
    found = nearby.search(Place.objects.all(), lat=44.19, lng=86.9, open_now=True, at=at(2026, 6, 1, 13))
    assert [f.place.name for f in found] == ["驿站"]
    found = nearby.search(Place.objects.all(), lat=44.19, lng=86.9, open_now=True, at=at(2026, 6, 2, 13))
    assert [f.place.name for f in found] == ["驿站", "孪生驿站"]
