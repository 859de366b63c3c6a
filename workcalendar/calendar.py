"""Working time on the official Chinese calendar.

`WorkCalendar` answers "is this a working day" and adds working hours or
working days to a moment. When a year is covered neither by the
`chinesecalendar` package nor by an administrator's entered year, it falls
back to Monday–Friday and marks the result as estimated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

from hubiying.refdata import Reference

# Office hours: two periods a working day (8 hours).
WORK_PERIODS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 0), time(18, 0)))
_MAX_DAYS = 3660  # a guard against an endless walk

# The kinds of day (WorkCalendar.kind).
WORKDAY, WEEKEND, HOLIDAY, ADJUSTED = "workday", "weekend", "holiday", "adjusted"


@lru_cache(maxsize=8192)
def _official_day(d: date) -> tuple[bool, bool]:
    """The package's answer, memoised: its data only changes with a new release."""
    try:
        return chinese_calendar.is_workday(d), True
    except NotImplementedError:
        return d.weekday() < 5, False


def package_covers(year: int) -> bool:
    """Whether the installed chinesecalendar package has the State Council's schedule for `year`."""
    return _official_day(date(year, 6, 30))[1]


def missing_years(today: date) -> list[int]:
    """The years whose schedule is needed soon and not known: this year, and
    from November on the next one (the State Council publishes it then, and
    deadlines of December requests already run into January)."""
    calendar = WorkCalendar.load()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [y for y in years if not calendar.year_known(y)]


def _load_reference() -> tuple[dict[date, bool], set[int]]:
    from .models import CalendarDay, CalendarYear

    return (
        dict(CalendarDay.objects.values_list("date", "is_workday")),
        set(CalendarYear.objects.values_list("year", flat=True)),
    )


_REFERENCE = Reference(_load_reference, watch=("workcalendar.CalendarDay", "workcalendar.CalendarYear"))


@dataclass(frozen=True)
class Deadline:
    at: datetime
    estimated: bool = False


class WorkCalendar:
    def __init__(self, overrides: dict[date, bool] | None = None, entered_years: set[int] | None = None):
        self.overrides = overrides or {}
        self.entered_years = entered_years or set()

    @classmethod
    def load(cls) -> WorkCalendar:
        overrides, years = _REFERENCE.get()
        return cls(overrides, years)

    def day(self, d: date) -> tuple[bool, bool]:
        """(is_workday, known) for one date: an override row, else the package,
        else (a year the admin marked as entered) an ordinary weekday or
        weekend, else Monday–Friday as an estimate. Marking a year as entered
        never drops what the package knows about it."""
        if d in self.overrides:
            return self.overrides[d], True
        workday, known = _official_day(d)
        if known:
            return workday, True
        return workday, d.year in self.entered_years

    def year_known(self, year: int) -> bool:
        """Whether the year's schedule is known (the package has it, or the admin entered it)."""
        return year in self.entered_years or package_covers(year)

    def is_workday(self, d: date) -> bool:
        return self.day(d)[0]

    def kind(self, d: date) -> str:
        """What sort of day `d` is for opening hours: WORKDAY, WEEKEND,
        HOLIDAY (a statutory holiday or a day of its break, weekends inside it
        included; an override that rests on a weekday) or ADJUSTED (a weekend
        day worked to make up a break, 调休上班)."""
        workday = self.is_workday(d)
        weekend = d.weekday() >= 5
        if workday:
            return ADJUSTED if weekend else WORKDAY
        if not weekend or (d not in self.overrides and _official_day(d)[1] and d in chinese_calendar.holidays):
            return HOLIDAY
        return WEEKEND

    def add_working_days(self, start: datetime, days: int) -> Deadline:
        """The end of the `days`-th working day after `start`'s date
        (a period in days starts the next day)."""
        local = timezone.localtime(start)
        d = local.date()
        estimated = False
        remaining = days
        for _ in range(_MAX_DAYS):
            if remaining <= 0:
                break
            d += timedelta(days=1)
            workday, known = self.day(d)
            estimated |= not known
            if workday:
                remaining -= 1
        end = datetime.combine(d, WORK_PERIODS[-1][1], tzinfo=local.tzinfo)
        return Deadline(end, estimated)

    def add_working_hours(self, start: datetime, hours: float) -> Deadline:
        """`start` plus `hours` counted only inside office hours of working days."""
        local = timezone.localtime(start)
        remaining = timedelta(hours=hours)
        d = local.date()
        estimated = False
        for _ in range(_MAX_DAYS):
            workday, known = self.day(d)
            estimated |= not known
            if workday:
                for begin_t, end_t in WORK_PERIODS:
                    begin = datetime.combine(d, begin_t, tzinfo=local.tzinfo)
                    end = datetime.combine(d, end_t, tzinfo=local.tzinfo)
                    if local >= end:
                        continue
                    s = max(local, begin)
                    available = end - s
                    if remaining <= available:
                        return Deadline(s + remaining, estimated)
                    remaining -= available
            d += timedelta(days=1)
        raise ValueError("working-hour walk exceeded its guard")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Office hours of working days between two moments (0 if end <= start)."""
        start, end = timezone.localtime(start), timezone.localtime(end)
        total = timedelta()
        d = start.date()
        while d <= end.date():
            if self.is_workday(d):
                for begin_t, end_t in WORK_PERIODS:
                    begin = max(start, datetime.combine(d, begin_t, tzinfo=start.tzinfo))
                    finish = min(end, datetime.combine(d, end_t, tzinfo=start.tzinfo))
                    if finish > begin:
                        total += finish - begin
            d += timedelta(days=1)
        return total.total_seconds() / 3600

    def working_days_between(self, start: date, end: date) -> int:
        return sum(1 for i in range((end - start).days + 1) if self.is_workday(start + timedelta(days=i)))
