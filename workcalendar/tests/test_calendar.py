"""WorkCalendar: working days and office hours on the official Chinese
calendar (chinesecalendar), with the administrator's overrides."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from workcalendar.calendar import WorkCalendar, missing_years, package_covers
from workcalendar.models import CalendarDay, CalendarYear

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_the_package_knows_the_2026_holidays_these_tests_rely_on():
    # National Day 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are worked.
    assert chinese_calendar.is_workday(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6
    assert chinese_calendar.is_workday(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    # Spring Festival 2026: 15–23 February off; Saturdays 14 and 28 February are worked.
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(date(2026, 2, 28))
    assert chinese_calendar.is_workday(date(2026, 6, 8))  # an ordinary Monday


# --- working hours -----------------------------------------------------------------

def test_four_working_hours_from_friday_at_four_end_on_monday_at_eleven():
    deadline = WorkCalendar().add_working_hours(at("2026-06-05 16:00"), 4)
    assert deadline.at == at("2026-06-08 11:00") and deadline.estimated is False


@pytest.mark.parametrize(("start", "hours", "end"), [
    ("2026-06-08 07:30", 1, "2026-06-08 10:00"),  # before office hours: the clock starts at nine
    ("2026-06-08 11:00", 2, "2026-06-08 14:00"),  # the lunch break does not count
    ("2026-06-08 12:30", 1, "2026-06-08 14:00"),  # nor does a start during lunch
    ("2026-06-08 18:30", 1, "2026-06-09 10:00"),  # after office hours: the next morning
    ("2026-06-06 10:00", 3, "2026-06-08 12:00"),  # a Saturday start waits for Monday
    ("2026-06-08 09:00", 8, "2026-06-08 18:00"),  # a whole working day
    ("2026-06-08 10:00", 0.5, "2026-06-08 10:30"),
])
def test_working_hours_count_only_office_hours(start, hours, end):
    assert WorkCalendar().add_working_hours(at(start), hours).at == at(end)


def test_working_hours_skip_the_national_day_holiday():
    # One hour on 30 September, then three on 8 October.
    assert WorkCalendar().add_working_hours(at("2026-09-30 17:00"), 4).at == at("2026-10-08 12:00")


def test_working_hours_between_two_moments():
    cal = WorkCalendar()
    assert cal.working_hours_between(at("2026-06-05 16:00"), at("2026-06-08 11:00")) == 4
    assert cal.working_hours_between(at("2026-06-08 11:00"), at("2026-06-08 14:00")) == 2
    assert cal.working_hours_between(at("2026-06-08 14:00"), at("2026-06-08 11:00")) == 0


# --- working days ----------------------------------------------------------------------

def test_working_days_start_counting_the_next_day_and_end_at_close_of_office():
    assert WorkCalendar().add_working_days(at("2026-06-08 10:00"), 1).at == at("2026-06-09 18:00")
    assert WorkCalendar().add_working_days(at("2026-06-05 10:00"), 1).at == at("2026-06-08 18:00")


def test_working_days_skip_national_day_and_count_the_adjusted_saturday():
    # 8 Oct (Thu), 9 Oct (Fri), 10 Oct (the Saturday worked in exchange).
    assert WorkCalendar().add_working_days(at("2026-09-30 10:00"), 3).at == at("2026-10-10 18:00")
    assert WorkCalendar().working_days_between(date(2026, 10, 1), date(2026, 10, 11)) == 3


def test_the_adjusted_sunday_before_national_day_is_a_working_day():
    assert WorkCalendar().add_working_days(at("2026-09-19 10:00"), 1).at == at("2026-09-20 18:00")


def test_working_days_skip_the_spring_festival():
    # From Friday 13 February: Saturday 14 is worked, 15–23 are off, then Tuesday 24.
    assert WorkCalendar().add_working_days(at("2026-02-13 10:00"), 2).at == at("2026-02-24 18:00")
    assert WorkCalendar().add_working_days(at("2026-02-13 10:00"), 5).at == at("2026-02-27 18:00")
    assert WorkCalendar().add_working_days(at("2026-02-13 10:00"), 6).at == at("2026-02-28 18:00")


# --- beyond the package: estimates and the administrator's calendar ----------------------

def test_a_year_the_package_does_not_cover_is_estimated_on_weekdays():
    # conftest: the package is taken to know 2026 and before, whatever version is installed.
    assert not package_covers(2027) and package_covers(2026)
    deadline = WorkCalendar().add_working_days(at("2027-03-05 10:00"), 1)  # Friday
    assert deadline.at == at("2027-03-08 18:00") and deadline.estimated is True


def test_a_walk_from_december_into_the_next_year_is_estimated():
    deadline = WorkCalendar().add_working_days(at("2026-12-30 10:00"), 3)
    assert deadline.estimated is True
    assert WorkCalendar().add_working_days(at("2026-12-21 10:00"), 3).estimated is False


def test_an_entered_year_is_exact():
    deadline = WorkCalendar(entered_years={2027}).add_working_days(at("2027-03-05 10:00"), 1)
    assert deadline.at == at("2027-03-08 18:00") and deadline.estimated is False


def test_an_override_wins_over_the_package():
    cal = WorkCalendar(overrides={date(2026, 6, 8): False, date(2026, 6, 13): True})
    assert cal.add_working_hours(at("2026-06-05 16:00"), 4).at == at("2026-06-09 11:00")
    assert cal.add_working_days(at("2026-06-12 10:00"), 1).at == at("2026-06-13 18:00")


def test_load_reads_the_administrators_rows(db):
    CalendarYear.objects.create(year=2027, note="国办发明电")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=date(2026, 6, 8), is_workday=False, note="地方调休")
    cal = WorkCalendar.load()
    assert cal.day(date(2027, 1, 1)) == (False, True)
    assert cal.day(date(2027, 1, 4)) == (True, True)  # an ordinary Monday of the entered year
    assert cal.day(date(2026, 6, 8)) == (False, True)  # the override beats the package
    assert cal.day(date(2028, 1, 4)) == (True, False)  # unknown: a weekday, estimated


def test_deadlines_are_in_the_countys_time_zone():
    deadline = WorkCalendar().add_working_days(datetime(2026, 6, 8, 2, 0, tzinfo=ZoneInfo("UTC")), 1)
    assert deadline.at.utcoffset().total_seconds() == 8 * 3600
    assert deadline.at == at("2026-06-09 18:00")


def test_marking_a_year_as_entered_never_drops_what_the_package_knows():
    cal = WorkCalendar(entered_years={2026})
    assert cal.day(date(2026, 10, 1)) == (False, True)  # National Day, from the package
    assert cal.day(date(2026, 10, 10)) == (True, True)  # the Saturday worked in exchange
    assert cal.add_working_days(at("2026-09-30 10:00"), 3).at == at("2026-10-10 18:00")


def test_from_november_the_missing_schedule_of_next_year_is_reported(db):
    assert missing_years(date(2026, 10, 31)) == []
    assert missing_years(date(2026, 11, 1)) == [2027]
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕")
    assert missing_years(date(2026, 11, 1)) == []
    assert missing_years(date(2027, 3, 1)) == []
    assert missing_years(date(2028, 1, 2)) == [2028]
