"""Which days a recurring plan becomes orders on: the working calendar
(public holidays, adjusted working days, the administrator's overrides), the
canteen's opening hours (holiday closures, one-off closures), the plan's own
dates and the horizon, and what stopping a plan takes back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from care import schedule, services
from care.models import Kind, Order, Plan, Recipient
from places.models import Hours, Place, SpecialDay
from volunteers.models import Volunteer
from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay

from .conftest import open_on

pytestmark = pytest.mark.django_db
S = Order.State
D = Plan.Days


def days(plan: Plan) -> list[date]:
    return list(plan.orders.order_by("day").values_list("day", flat=True))


def run_timers(first: date, last: date) -> None:
    """What the daily timer does, once a day from `first` to `last`."""
    d = first
    while d <= last:
        schedule.make_orders(today=d)
        d += timedelta(days=1)


def oct_(*numbers) -> list[date]:
    return [date(2026, 10, n) for n in numbers]


def jun(*numbers) -> list[date]:
    return [date(2026, 6, n) for n in numbers]


# --- The working calendar -------------------------------------------------------------

def test_the_calendar_these_tests_rely_on():
    # The State Council's 2026 schedule, as the installed chinesecalendar package knows it:
    # 1–7 October off (National Day and its break), Saturday 10 October worked in its place.
    calendar = WorkCalendar.load()
    assert not any(calendar.is_workday(d) for d in oct_(1, 2, 3, 4, 5, 6, 7))
    assert calendar.is_workday(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5
    assert not calendar.is_workday(date(2026, 10, 11))  # the Sunday after: an ordinary weekend day


def test_a_workdays_lunch_skips_the_national_day_break_and_comes_on_the_adjusted_saturday(make_plan, canteen):
    # A canteen open Monday to Friday that opens on adjusted working days too.
    Hours.objects.filter(place=canteen).delete()
    open_on(canteen, days=range(5))
    Place.objects.filter(pk=canteen.pk).update(follows_workdays=True)
    plan = make_plan(days=D.WORKDAYS)

    assert schedule.make_for(plan, today=date(2026, 9, 28)) == 3  # horizon to 5 October: the break starts on the 1st
    assert days(plan) == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)]
    schedule.make_for(plan, today=date(2026, 10, 5))
    assert days(plan)[3:] == oct_(8, 9, 10, 12)  # 10 October (Saturday, worked) in, Sunday 11th out


def test_a_canteen_that_keeps_its_saturday_closed_has_no_lunch_on_the_adjusted_saturday(make_plan, canteen):
    Hours.objects.filter(place=canteen).delete()
    open_on(canteen, days=range(5))  # follows_workdays off: a Saturday is a Saturday
    plan = make_plan(days=D.WORKDAYS)
    schedule.make_for(plan, today=date(2026, 10, 5))
    assert days(plan) == oct_(8, 9, 12)


def test_a_daily_plan_that_skips_holidays_keeps_the_ordinary_weekends(make_plan):
    plan = make_plan(days=D.DAILY, skip_holidays=True)
    schedule.make_for(plan, today=date(2026, 9, 30))
    assert days(plan) == [date(2026, 9, 30)]  # 1–7 October, the weekend inside the break included, skipped
    schedule.make_for(plan, today=date(2026, 10, 5))
    assert days(plan)[1:] == oct_(8, 9, 10, 11, 12)  # Sunday 11 October is an ordinary Sunday: a meal


def test_a_daily_plan_that_does_not_skip_holidays_comes_every_day_of_the_break(make_plan):
    plan = make_plan(days=D.DAILY, skip_holidays=False)
    schedule.make_for(plan, today=date(2026, 10, 1))
    assert days(plan) == oct_(1, 2, 3, 4, 5, 6, 7, 8)


def test_a_weekly_plan_on_wednesdays_comes_only_on_wednesdays(make_plan):
    plan = make_plan(kind=Kind.VISIT, days=D.WEEKLY, weekdays="3")
    run_timers(date(2026, 6, 1), date(2026, 6, 30))
    assert days(plan) == [*jun(3, 10, 17, 24), date(2026, 7, 1)]
    assert all(d.isoweekday() == 3 for d in days(plan))


def test_a_weekly_plan_that_skips_holidays_misses_a_wednesday_inside_the_break(make_plan):
    plan = make_plan(kind=Kind.VISIT, days=D.WEEKLY, weekdays="35", skip_holidays=True)
    run_timers(date(2026, 9, 28), date(2026, 10, 9))
    # Wednesday 30 September, then (7 October and 2 October being holidays) Friday 9, Wednesday 14, Friday 16.
    assert days(plan) == [date(2026, 9, 30), *oct_(9, 14, 16)]


def test_a_monthly_plan_comes_on_the_starting_day_of_the_month_and_not_in_months_without_it(make_plan):
    end_of_month = make_plan(kind=Kind.HAIRCUT, days=D.MONTHLY, starts_on=date(2026, 1, 31))
    mid_month = make_plan(kind=Kind.HAIRCUT, days=D.MONTHLY, starts_on=date(2026, 1, 15), skip_holidays=True)
    run_timers(date(2026, 1, 10), date(2026, 5, 31))
    # No 31st in February or April: no haircut those months (none on the 28th or 30th instead).
    assert days(end_of_month) == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)]
    # 15 February 2026 is in the Spring Festival break: skipped, not moved.
    assert days(mid_month) == [date(2026, 1, 15), date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15)]
    assert Order.objects.filter(kind=Kind.HAIRCUT).count() == 7  # a timer each day, no order twice


def test_the_administrators_calendar_overrides_count_for_a_workdays_plan(make_plan):
    CalendarDay.objects.create(date=date(2026, 6, 10), is_workday=False, note="地方假日")
    CalendarDay.objects.create(date=date(2026, 6, 13), is_workday=True, note="调休上班")
    plan = make_plan(days=D.WORKDAYS)
    schedule.make_for(plan, today=date(2026, 6, 8))
    assert days(plan) == jun(8, 9, 11, 12, 13, 15)


# --- The canteen -------------------------------------------------------------------------

def test_a_canteen_closed_on_public_holidays_has_no_meals_then_even_for_a_daily_plan(make_plan, canteen):
    Place.objects.filter(pk=canteen.pk).update(holidays=Place.Holidays.CLOSED)
    delivered = make_plan(days=D.DAILY, skip_holidays=False)
    eaten_there = make_plan(days=D.DAILY, skip_holidays=False, mode=Plan.Mode.DINE_IN,
                            recipient=Recipient.objects.create(node=delivered.recipient.node, name="刘奶奶",
                                                               address="花城小区1号楼", category="elderly"))
    visit = make_plan(kind=Kind.VISIT, days=D.DAILY, skip_holidays=False)  # not a meal: the canteen is no matter
    for plan in (delivered, eaten_there, visit):
        schedule.make_for(plan, today=date(2026, 9, 30))
    assert days(delivered) == days(eaten_there) == [date(2026, 9, 30)]
    assert days(visit) == [date(2026, 9, 30), *oct_(1, 2, 3, 4, 5, 6, 7)]


def test_a_one_off_closure_of_the_canteen_has_no_meals_on_those_days(make_plan, canteen):
    SpecialDay.objects.create(place=canteen, first=date(2026, 6, 10), last=date(2026, 6, 11), note="设备检修")
    plan = make_plan(days=D.DAILY)
    schedule.make_for(plan, today=date(2026, 6, 8))
    assert days(plan) == jun(8, 9, 12, 13, 14, 15)


# --- Dates, horizon, idempotence ------------------------------------------------------------

def test_orders_are_made_up_to_the_horizon_and_the_next_day_adds_one(make_plan):
    plan = make_plan(days=D.DAILY, minutes=40, at=time(11, 15), note="请放门口")
    assert schedule.make_for(plan, today=date(2026, 6, 1)) == schedule.HORIZON_DAYS + 1
    assert days(plan)[-1] == date(2026, 6, 1) + timedelta(days=schedule.HORIZON_DAYS)
    order = plan.orders.get(day=date(2026, 6, 2))
    assert timezone.localtime(order.due_at) == timezone.make_aware(datetime(2026, 6, 2, 11, 15))
    assert (order.minutes, order.note, order.state, order.volunteer, order.canteen_id) == (
        40, "请放门口", S.OPEN, None, plan.canteen_id)
    assert schedule.make_for(plan, today=date(2026, 6, 2)) == 1


def test_making_the_orders_twice_makes_them_once(make_plan):
    plan = make_plan(days=D.DAILY)
    schedule.make_for(plan, today=date(2026, 6, 1))
    first = sorted(plan.orders.values_list("pk", flat=True))
    assert schedule.make_for(plan, today=date(2026, 6, 1)) == 0
    schedule.make_orders(today=date(2026, 6, 1))
    assert sorted(plan.orders.values_list("pk", flat=True)) == first


def test_a_plan_has_orders_only_between_its_first_and_last_day(make_plan):
    plan = make_plan(days=D.DAILY, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 12))
    schedule.make_for(plan, today=date(2026, 6, 8))
    assert days(plan) == jun(10, 11, 12)
    late = make_plan(kind=Kind.VISIT, days=D.DAILY, starts_on=date(2026, 6, 1))
    schedule.make_for(late, today=date(2026, 6, 5))  # saved on the 5th: nothing for the days gone
    assert days(late)[0] == date(2026, 6, 5)


def test_the_regular_volunteer_has_every_delivered_order_and_a_meal_eaten_there_needs_none(make_plan, cast):
    volunteer = Volunteer.objects.create(node=cast.community, name="张建国", phone="13899990001")
    delivered = make_plan(days=D.DAILY, volunteer=volunteer)
    schedule.make_for(delivered, today=date(2026, 6, 1))
    assert {(o.state, o.volunteer_id) for o in delivered.orders.all()} == {(S.TAKEN, volunteer.pk)}
    assert all(o.taken_at for o in delivered.orders.all())
    eaten_there = make_plan(days=D.DAILY, volunteer=volunteer, mode=Plan.Mode.DINE_IN,
                            recipient=Recipient.objects.create(node=cast.compound, name="刘奶奶", address="1号楼",
                                                               category="elderly"))
    schedule.make_for(eaten_there, today=date(2026, 6, 1))
    assert {(o.state, o.volunteer_id) for o in eaten_there.orders.all()} == {(S.OPEN, None)}


def test_a_regular_volunteer_no_longer_active_leaves_the_orders_open_for_others(make_plan, cast):
    volunteer = Volunteer.objects.create(node=cast.community, name="张建国", phone="13899990001", active=False)
    plan = make_plan(days=D.DAILY, volunteer=volunteer)
    schedule.make_for(plan, today=date(2026, 6, 1))
    assert {(o.state, o.volunteer_id) for o in plan.orders.all()} == {(S.OPEN, None)}
    other = Volunteer.objects.create(node=cast.community, name="李红梅", phone="13899990002")
    assert services.take(plan.orders.first(), other).volunteer_id == other.pk


def test_the_timers_make_orders_only_for_active_plans_of_recipients_still_looked_after(make_plan, cast):
    keeps = make_plan(days=D.DAILY)
    stopped = make_plan(kind=Kind.VISIT, days=D.DAILY, active=False)
    ended = make_plan(kind=Kind.CLEANING, days=D.DAILY, ends_on=date(2026, 6, 4))
    gone = Recipient.objects.create(node=cast.compound, name="陈爷爷", address="2号楼", category="alone", active=False)
    of_gone = make_plan(days=D.DAILY, recipient=gone)
    assert schedule.make_orders(today=date(2026, 6, 5)) == schedule.HORIZON_DAYS + 1
    assert len(days(keeps)) == schedule.HORIZON_DAYS + 1
    assert days(stopped) == days(ended) == days(of_gone) == []


def test_saving_a_plan_for_someone_no_longer_looked_after_makes_no_orders(make_plan, cast):
    gone = Recipient.objects.create(node=cast.compound, name="陈爷爷", address="2号楼", category="alone", active=False)
    plan = make_plan(days=D.DAILY, recipient=gone)
    assert schedule.make_for(plan, today=date(2026, 6, 1)) == 0 and days(plan) == []


# --- Stopping a plan -------------------------------------------------------------------------

def test_stopping_a_plan_takes_back_only_its_open_orders_from_today_on(make_plan, volunteer):
    plan = make_plan(days=D.DAILY)
    visit = make_plan(kind=Kind.VISIT, days=D.DAILY)
    for p in (plan, visit):
        schedule.make_for(p, today=date(2026, 6, 1))  # 1–8 June
    services.take(plan.orders.get(day=date(2026, 6, 5)), volunteer)
    Plan.objects.filter(pk=plan.pk).update(active=False)
    assert schedule.drop_future(plan, today=date(2026, 6, 3)) == 5  # the 3rd, 4th, 6th, 7th, 8th
    # The days gone stay (they are the record); the taken one stays with its volunteer.
    assert days(plan) == jun(1, 2, 5) and plan.orders.get(day=date(2026, 6, 5)).state == S.TAKEN
    assert len(days(visit)) == 8  # the recipient's other plan is untouched
    schedule.make_orders(today=date(2026, 6, 3))
    assert days(plan) == jun(1, 2, 5)  # a stopped plan is not made again
