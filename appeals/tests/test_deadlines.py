"""Time limits (限时办结): which limit applies, when a step is due, and the
due-soon / overdue states every list shows."""

from datetime import timedelta
from decimal import Decimal

import pytest

from appeals import deadlines, services
from appeals.models import Appeal, Status, TimeLimit
from appeals.tests.actions._support import Clock, at, member
from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay, CalendarYear

S = Status
Step = TimeLimit.Step
Clk = TimeLimit.Clock


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def _appeal(cast, **fields) -> Appeal:
    """An unsaved request, enough for choosing its limits."""
    return Appeal(category=cast.category, type=fields.get("type", "help"), urgency=fields.get("urgency", "normal"))


# --- which limit --------------------------------------------------------------------

def test_an_ordinary_request_gets_5_working_days_to_reply(cast):
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast)) == (Decimal(5), Clk.WORK_DAYS)


def test_a_question_gets_3_working_days(cast):
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast, type="question")) == (Decimal(3), Clk.WORK_DAYS)


def test_an_urgent_request_uses_the_continuous_clock(cast):
    urgent = _appeal(cast, urgency="urgent")
    assert deadlines.limit_for(Step.DISPATCH, urgent) == (Decimal("0.5"), Clk.HOURS)
    assert deadlines.limit_for(Step.SIGN, urgent) == (Decimal("0.5"), Clk.HOURS)
    assert deadlines.limit_for(Step.HANDLE, urgent) == (Decimal(24), Clk.HOURS)


def test_a_category_specific_limit_wins(cast):
    TimeLimit.objects.create(step=Step.HANDLE, category=cast.category, amount=15, clock=Clk.WORK_DAYS)
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast)) == (Decimal(15), Clk.WORK_DAYS)
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast, type="question")) == (Decimal(15), Clk.WORK_DAYS)


def test_a_limit_on_the_parent_category_covers_its_children_but_the_child_row_wins(cast):
    parent = cast.category.parent
    TimeLimit.objects.create(step=Step.HANDLE, category=parent, amount=10, clock=Clk.WORK_DAYS)
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast))[0] == 10
    TimeLimit.objects.create(step=Step.HANDLE, category=cast.category, amount=12, clock=Clk.WORK_DAYS)
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast))[0] == 12


def test_without_any_row_the_built_in_fallback_applies(cast):
    TimeLimit.objects.filter(step=Step.HANDLE).delete()
    assert deadlines.limit_for(Step.HANDLE, _appeal(cast)) == (Decimal(5), Clk.WORK_DAYS)


def test_a_question_dispatched_on_monday_is_due_on_thursday(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.DISPATCHED, type="question")
    assert appeal.handle_due == at("2026-06-11 18:00")


def test_a_category_limit_of_15_working_days_reaches_the_deadline_on_the_calendar(cast, clock):
    TimeLimit.objects.create(step=Step.HANDLE, category=cast.category, amount=15, clock=Clk.WORK_DAYS)
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.DISPATCHED)
    # 15 working days after Monday 8 June, skipping the Dragon Boat Festival (Fri 19 June).
    assert appeal.handle_due == at("2026-06-30 18:00")


# --- when a step is due ----------------------------------------------------------------

def test_an_urgent_request_must_be_dispatched_within_30_minutes_even_at_night(cast, clock):
    clock.set("2026-06-06 23:50")  # Saturday
    appeal = cast.appeal_in(S.SUBMITTED, urgency="urgent")
    assert appeal.step_due == at("2026-06-07 00:20")
    assert appeal.step_warn_at == at("2026-06-07 00:12:30")


def test_four_working_hours_from_friday_afternoon_land_on_monday_morning(cast):
    step = deadlines.step_deadline(Step.DISPATCH, _appeal(cast), at("2026-06-05 16:00"), WorkCalendar())
    assert step.due == at("2026-06-08 11:00")
    assert step.warn_at == at("2026-06-08 10:00")  # three of the four hours used
    assert step.estimated is False


def test_half_a_working_day_is_four_office_hours(cast):
    due = deadlines.add_time(WorkCalendar(), at("2026-06-05 16:00"), Decimal("0.5"), Clk.WORK_DAYS)
    assert due.at == at("2026-06-08 11:00")


def test_the_warning_of_a_working_day_limit_falls_in_office_hours(cast):
    step = deadlines.step_deadline(Step.HANDLE, _appeal(cast), at("2026-06-05 18:30"), WorkCalendar())
    assert step.due == at("2026-06-12 18:00")
    assert step.warn_at == at("2026-06-11 16:00")  # 30 of the 40 working hours: Mon–Wed and 6 on Thursday


def test_a_request_in_2027_gets_an_estimated_deadline(cast, clock):
    clock.set("2027-03-01 10:00")  # not in the chinesecalendar package yet
    appeal = cast.appeal_in(S.DISPATCHED)
    assert appeal.deadline_estimated is True
    assert appeal.handle_due == at("2027-03-08 18:00")  # Monday to Friday as a fallback


def test_a_year_the_admin_entered_gives_exact_deadlines(cast, clock):
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
    clock.set("2027-03-01 10:00")
    appeal = cast.appeal_in(S.DISPATCHED)
    assert appeal.deadline_estimated is False


def test_override_days_cover_a_stretch_of_2027(cast, clock):
    for day in range(1, 10):
        CalendarDay.objects.create(date=f"2027-03-{day:02d}", is_workday=day not in (6, 7))
    clock.set("2027-03-01 10:00")
    appeal = cast.appeal_in(S.SUBMITTED)
    assert appeal.step_due == at("2027-03-01 15:00") and appeal.deadline_estimated is False


def test_a_calendar_override_wins_over_the_package(cast, clock):
    CalendarDay.objects.create(date="2026-06-08", is_workday=False, note="地方调休")
    clock.set("2026-06-05 16:00")
    appeal = cast.appeal_in(S.SUBMITTED)
    assert appeal.step_due == at("2026-06-09 11:00")


def test_an_estimated_deadline_stays_marked_after_later_steps(cast, clock):
    clock.set("2026-12-29 10:00")
    appeal = cast.appeal_in(S.SUBMITTED)
    assert appeal.deadline_estimated is False
    services.register(appeal, actor=member(cast, "dispatcher"))
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)  # runs into 2027
    appeal.refresh_from_db()
    assert appeal.deadline_estimated is True
    services.sign_for(appeal, actor=member(cast, "handler"))
    appeal.refresh_from_db()
    assert appeal.deadline_estimated is True


# --- due soon and overdue ------------------------------------------------------------------

def _state_by_query(appeal, now):
    if Appeal.objects.overdue(now).filter(pk=appeal.pk).exists():
        return "overdue"
    if Appeal.objects.due_soon(now).filter(pk=appeal.pk).exists():
        return "due_soon"
    return "ok" if Appeal.objects.open().filter(pk=appeal.pk, step_due__isnull=False).exists() else ""


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-06-08 10:00", "ok"),
    ("2026-06-08 13:59", "ok"),
    ("2026-06-08 14:00", "due_soon"),  # 75% of the 4 working hours used
    ("2026-06-08 15:00", "due_soon"),  # due at this very minute
    ("2026-06-08 15:01", "overdue"),
    ("2026-06-20 10:00", "overdue"),
])
def test_due_soon_and_overdue_agree_between_the_row_and_the_query(cast, clock, moment, expected):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.SUBMITTED)
    now = at(moment)
    assert appeal.deadline_state(now) == _state_by_query(appeal, now) == expected
    assert appeal.is_overdue(now) == (expected == "overdue")
    assert appeal.is_due_soon(now) == (expected == "due_soon")


@pytest.mark.parametrize("state", [S.CLOSED, S.WITHDRAWN, S.REJECTED])
def test_a_finished_request_is_never_overdue(cast, clock, state):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(state)
    later = at("2026-09-01 10:00")
    assert appeal.deadline_state(later) == _state_by_query(appeal, later) == ""
    assert not appeal.is_overdue(later)


def test_an_extension_takes_a_request_out_of_due_soon(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.SIGNED)  # reply due Mon 15 June 18:00
    now = at("2026-06-15 10:00")
    assert appeal.deadline_state(now) == "due_soon"
    services.request_extension(appeal, actor=member(cast, "handler"), days=3, reason="等待配件")
    services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True)
    appeal.refresh_from_db()
    assert appeal.deadline_state(now) == _state_by_query(appeal, now) == "ok"
    assert appeal.deadline_state(appeal.step_due + timedelta(minutes=1)) == "overdue"
