"""When a place is open.

The day's periods come from, in this order:
1. a special day covering the date (closed, or its own hours);
2. on a public holiday, the place's holiday rule (closed, or the holiday rows);
3. open 24 hours;
4. on an adjusted working day (a weekend day worked, 调休上班), Monday's rows
   when the place follows the official working days;
5. the rows of the day of the week.
A period whose closing time is at or before its opening time runs past
midnight into the next day, so "is it open at 01:00" also looks at the day
before. The place's rows are read once (prefetch `hours` and `special_days`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from workcalendar.calendar import ADJUSTED, HOLIDAY, WorkCalendar

from .models import Hours, Place

WHOLE_DAY = (time(0, 0), time(0, 0))
LOOKAHEAD_DAYS = 8  # how far "opens next" looks


@dataclass(frozen=True)
class Day:
    """The periods a place opens on one date, and why."""

    date: date
    periods: list[tuple[datetime, datetime]]
    reason: str  # "special", "holiday", "24h", "adjusted", "week"
    note: str = ""

    @property
    def closed(self) -> bool:
        return not self.periods


@dataclass(frozen=True)
class Status:
    open: bool
    until: datetime | None  # open: when it closes next
    next_open: datetime | None  # closed: when it opens next (within a week)
    today: Day

    @property
    def label(self) -> str:
        if self.open:
            if self.until is None:
                return _("Open now")
            return _("Open now · until %(time)s") % {"time": _clock(self.until, self.today.date)}
        if self.next_open is None:
            return _closed()
        return _("Closed · opens %(time)s") % {"time": _when(self.next_open, self.today.date)}


def _closed() -> str:
    # Its own context: "Closed" of a request (已办结) is another word from a shop's (休息).
    return pgettext("opening hours", "Closed")


def _clock(at: datetime, today: date) -> str:
    local = timezone.localtime(at)
    if local.date() > today and local.time() == time(0, 0):
        return "24:00"
    return local.strftime("%H:%M")


def _when(at: datetime, today: date) -> str:
    local = timezone.localtime(at)
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.date() == today + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": local.strftime("%H:%M")}
    return local.strftime("%m-%d %H:%M")


def _periods(d: date, rows) -> list[tuple[datetime, datetime]]:
    tz = timezone.get_current_timezone()
    out = []
    for opens, closes in rows:
        start = datetime.combine(d, opens, tz)
        end = datetime.combine(d if closes > opens else d + timedelta(days=1), closes, tz)
        out.append((start, end))
    return sorted(out)


def day(place: Place, d: date, calendar: WorkCalendar | None = None) -> Day:
    calendar = calendar or WorkCalendar.load()
    for special in place.special_days.all():
        if special.first <= d <= special.last:
            rows = [] if special.closed else [(special.opens, special.closes)]
            return Day(d, _periods(d, rows), "special", special.note)
    kind = calendar.kind(d)
    weekly = place.hours.all()
    if kind == HOLIDAY and place.holidays == Place.Holidays.CLOSED:
        return Day(d, [], "holiday")
    if kind == HOLIDAY and place.holidays == Place.Holidays.OWN:
        return Day(d, _periods(d, [(h.opens, h.closes) for h in weekly if h.day == Hours.HOLIDAY]), "holiday")
    if place.open_24h:
        return Day(d, _periods(d, [WHOLE_DAY]), "24h")
    if kind == ADJUSTED and place.follows_workdays:
        return Day(d, _periods(d, [(h.opens, h.closes) for h in weekly if h.day == 0]), "adjusted")
    reason = "holiday" if kind == HOLIDAY else "week"
    return Day(d, _periods(d, [(h.opens, h.closes) for h in weekly if h.day == d.weekday()]), reason)


def status(place: Place, at: datetime | None = None, calendar: WorkCalendar | None = None) -> Status:
    """Open or closed at `at` (now), until when, or when it opens next."""
    calendar = calendar or WorkCalendar.load()
    at = at or timezone.now()
    today = timezone.localtime(at).date()
    days = [day(place, today + timedelta(days=n), calendar) for n in range(-1, LOOKAHEAD_DAYS)]
    periods = sorted(p for d in days for p in d.periods)
    current = [p for p in periods if p[0] <= at < p[1]]
    if current:
        # Joined periods (a 24-hour place, a period running into the next day's) close at the last end.
        end = max(p[1] for p in current)
        for start, stop in periods:
            if start <= end < stop:
                end = stop
        until = None if end - at > timedelta(days=LOOKAHEAD_DAYS - 1) else end
        return Status(True, until, None, days[1])
    upcoming = [p[0] for p in periods if p[0] > at]
    return Status(False, None, min(upcoming) if upcoming else None, days[1])


def is_open(place: Place, at: datetime | None = None, calendar: WorkCalendar | None = None) -> bool:
    calendar = calendar or WorkCalendar.load()
    at = at or timezone.now()
    today = timezone.localtime(at).date()
    for d in (today - timedelta(days=1), today):
        if any(start <= at < end for start, end in day(place, d, calendar).periods):
            return True
    return False


def text(d: Day) -> str:
    """The day's hours as a resident reads them: 09:00–12:00、14:30–20:00."""
    if d.reason == "24h":
        return _("Open 24 hours")
    if d.closed:
        if d.reason == "special":
            return pgettext("opening hours", "Closed (%(note)s)") % {"note": d.note} if d.note else _closed()
        if d.reason == "holiday":
            return _("Closed on public holidays")
        return _closed()
    parts = []
    for start, end in d.periods:
        s, e = timezone.localtime(start), timezone.localtime(end)
        close = "24:00" if e.date() > d.date and e.time() == time(0, 0) else e.strftime("%H:%M")
        if e.date() > d.date and close != "24:00":
            close = _("%(time)s next day") % {"time": close}
        parts.append(f"{s:%H:%M}–{close}")
    joined = "、".join(parts)
    if d.reason == "special" and d.note:
        return f"{joined}（{d.note}）"
    return joined


def week(place: Place) -> list[tuple[str, str]]:
    """The regular week as (day name, hours) rows, holidays last when the place has its own."""
    rows = []
    if place.open_24h:
        rows.append((_("Every day"), _("Open 24 hours")))
    else:
        by_day: dict[int, list[Hours]] = {}
        for h in place.hours.all():
            by_day.setdefault(h.day, []).append(h)
        for number, name in Hours.DAYS[:7]:
            periods = by_day.get(number, [])
            rows.append((str(name), "、".join(_row_text(h) for h in periods) or _closed()))
    if place.holidays == Place.Holidays.CLOSED:
        rows.append((_("Public holidays"), _closed()))
    elif place.holidays == Place.Holidays.OWN:
        periods = [h for h in place.hours.all() if h.day == Hours.HOLIDAY]
        rows.append((_("Public holidays"), "、".join(_row_text(h) for h in periods) or _closed()))
    return rows


def _row_text(h: Hours) -> str:
    if h.closes <= h.opens:
        close = "24:00" if h.closes == time(0, 0) else _("%(time)s next day") % {"time": f"{h.closes:%H:%M}"}
    else:
        close = f"{h.closes:%H:%M}"
    return f"{h.opens:%H:%M}–{close}"
