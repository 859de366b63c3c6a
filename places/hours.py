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
before. A place's weekly rows come from its `week` copy and its special days
from `special_days` (prefetch them), read once into plain `Rules` that count
in seconds of the day, so that asking "open now?" of every place in range is
a few integer comparisons each (`open_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from workcalendar.calendar import ADJUSTED, HOLIDAY, WorkCalendar

from .models import Hours, Place, day_rows

WHOLE_DAY = (0, 0)  # opens at midnight, closes at (the next) midnight
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


def seconds(t: time) -> int:
    """A time of day as seconds after midnight, as `Rules` and `Place.week` count."""
    return t.hour * 3600 + t.minute * 60 + t.second


def clock(s: int) -> time:
    return time(s // 3600, s // 60 % 60, s % 60)


def _periods(d: date, rows, tz) -> list[tuple[datetime, datetime]]:
    out = []
    for opens, closes in rows:
        start = datetime.combine(d, clock(opens), tz)
        end = datetime.combine(d if closes > opens else d + timedelta(days=1), clock(closes), tz)
        out.append((start, end))
    return sorted(out)


@dataclass(frozen=True)
class Rules:
    """What decides a place's days, as plain values: read from a Place
    (`Rules.of`: its `week` copy and prefetched special days), or built from
    rows read in bulk for many places at once (the nearest-place search).
    Times count in seconds of the day."""

    week: str = ""  # Place.week (models.week_text)
    specials: tuple[tuple[date, date, int | None, int | None, str], ...] = ()  # (first, last, opens, closes, note)
    open_24h: bool = False
    holidays: str = Place.Holidays.USUAL
    follows_workdays: bool = True

    @classmethod
    def of(cls, place: Place | Rules) -> Rules:
        if isinstance(place, Rules):
            return place
        return cls.build(place.week, [(s.first, s.last, s.opens, s.closes, s.note) for s in place.special_days.all()],
                         place.open_24h, place.holidays, place.follows_workdays)

    @classmethod
    def build(cls, week: str, specials, open_24h: bool, holidays: str, follows_workdays: bool) -> Rules:
        """From a `week` copy and (first, last, opens, closes, note) special days with times of day."""
        if specials:
            specials = tuple((first, last, None if opens is None else seconds(opens),
                              None if closes is None else seconds(closes), note)
                             for first, last, opens, closes, note in specials)
        return cls(week, specials or (), open_24h, holidays, follows_workdays)

    def rows(self, day_number: int) -> tuple[tuple[int, int], ...]:
        return _day_seconds(self.week, day_number)


@lru_cache(maxsize=8192)
def _day_seconds(week: str, day_number: int) -> tuple[tuple[int, int], ...]:
    # Many places keep the same hours ("09:00-21:00" every day): each week text is read once.
    return tuple((seconds(opens), seconds(closes)) for opens, closes in day_rows(week, day_number))


def _rows(rules: Rules, d: date, kind: str) -> tuple[list[tuple[int, int]], str, str]:
    """The (opens, closes) rows that hold on date `d` (of the calendar's
    `kind`), why, and the special day's note."""
    for first, last, opens, closes, note in rules.specials:
        if first <= d <= last:
            return ([] if opens is None else [(opens, closes)]), "special", note
    if kind == HOLIDAY and rules.holidays == Place.Holidays.CLOSED:
        return [], "holiday", ""
    if kind == HOLIDAY and rules.holidays == Place.Holidays.OWN:
        return rules.rows(Hours.HOLIDAY), "holiday", ""
    if rules.open_24h:
        return [WHOLE_DAY], "24h", ""
    if kind == ADJUSTED and rules.follows_workdays:
        return rules.rows(0), "adjusted", ""
    return rules.rows(d.weekday()), "holiday" if kind == HOLIDAY else "week", ""


def day(place: Place | Rules, d: date, calendar: WorkCalendar | None = None, tz=None) -> Day:
    rows, reason, note = _rows(Rules.of(place), d, (calendar or WorkCalendar.load()).kind(d))
    return Day(d, _periods(d, rows, tz or timezone.get_current_timezone()), reason, note)


def status(place: Place | Rules, at: datetime | None = None, calendar: WorkCalendar | None = None) -> Status:
    """Open or closed at `at` (now), until when, or when it opens next.
    Days are worked out one by one from yesterday, only as far as the answer
    needs (usually today's, or tomorrow's)."""
    calendar = calendar or WorkCalendar.load()
    at = at or timezone.now()
    today = timezone.localtime(at).date()
    rules = Rules.of(place)
    tz = timezone.get_current_timezone()
    days: dict[int, Day] = {}

    def on(n: int) -> Day:
        if n not in days:
            days[n] = day(rules, today + timedelta(days=n), calendar, tz)
        return days[n]

    current = [p for n in (-1, 0) for p in on(n).periods if p[0] <= at < p[1]]
    if current:
        # Joined periods (a 24-hour place, a period running into the next day's) close at the last end.
        end = max(p[1] for p in current)
        for n in range(-1, LOOKAHEAD_DAYS):
            if datetime.combine(today + timedelta(days=n), time(0, 0), tz) > end:
                break  # no period of this day or later can join
            for start, stop in on(n).periods:
                if start <= end < stop:
                    end = stop
        until = None if end - at > timedelta(days=LOOKAHEAD_DAYS - 1) else end
        return Status(True, until, None, on(0))
    for n in range(LOOKAHEAD_DAYS):
        upcoming = [start for start, _end in on(n).periods if start > at]
        if upcoming:
            return Status(False, None, min(upcoming), on(0))
    return Status(False, None, None, on(0))


def open_at(at: datetime | None = None, calendar: WorkCalendar | None = None):
    """A test "is this place open at `at`?" to ask of many places: today's
    rows, and yesterday's that run past midnight, compared as seconds of the
    day (the calendar's verdict on both days is looked up once)."""
    calendar = calendar or WorkCalendar.load()
    local = timezone.localtime(at or timezone.now())
    today = local.date()
    yesterday = today - timedelta(days=1)
    kind_today, kind_yesterday = calendar.kind(today), calendar.kind(yesterday)
    now = seconds(local.time())

    def test(place: Place | Rules) -> bool:
        rules = Rules.of(place)
        for opens, closes in _rows(rules, yesterday, kind_yesterday)[0]:
            if closes <= opens and now < closes:
                return True
        for opens, closes in _rows(rules, today, kind_today)[0]:
            if opens <= now and (now < closes or closes <= opens):
                return True
        return False

    return test


def is_open(place: Place | Rules, at: datetime | None = None, calendar: WorkCalendar | None = None) -> bool:
    return open_at(at, calendar)(place)


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
    rules = Rules(week=place.week)  # the weekly rows only: no special day counts here
    if place.open_24h:
        rows.append((_("Every day"), _("Open 24 hours")))
    else:
        for number, name in Hours.DAYS[:7]:
            rows.append((str(name), "、".join(_row_text(*h) for h in rules.rows(number)) or _closed()))
    if place.holidays == Place.Holidays.CLOSED:
        rows.append((_("Public holidays"), _closed()))
    elif place.holidays == Place.Holidays.OWN:
        periods = rules.rows(Hours.HOLIDAY)
        rows.append((_("Public holidays"), "、".join(_row_text(*h) for h in periods) or _closed()))
    return rows


def _row_text(opens: int, closes: int) -> str:
    if closes <= opens:
        close = "24:00" if closes == 0 else _("%(time)s next day") % {"time": f"{clock(closes):%H:%M}"}
    else:
        close = f"{clock(closes):%H:%M}"
    return f"{clock(opens):%H:%M}–{close}"
