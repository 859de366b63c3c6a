"""The periods a leader picks on the dashboard, and the one before each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

PRESETS = [
    ("month", _("This month")), ("last_month", _("Last month")), ("quarter", _("This quarter")),
    ("year", _("This year")), ("last_year", _("Last year")), ("all", _("Everything")), ("custom", _("Dates…")),
]


@dataclass(frozen=True)
class Period:
    key: str
    start: date | None
    end: date | None

    def previous(self, today: date | None = None) -> Period | None:
        """The period just before (None for everything). A period still running
        (this month, quarter, year) is compared with the same days of the one
        before: 1–10 December with 1–10 November, not with all of November."""
        if self.start is None or self.end is None:
            return None
        whole = self._previous_whole()
        if today is not None and self.start <= today < self.end:
            return Period("previous", whole.start, min(whole.end, whole.start + (today - self.start)))
        return whole

    def _previous_whole(self) -> Period:
        if self.key in ("month", "last_month"):
            first = (self.start - timedelta(days=1)).replace(day=1)
            return Period("previous", first, self.start - timedelta(days=1))
        if self.key in ("year", "last_year"):
            return Period("previous", self.start.replace(year=self.start.year - 1),
                          self.end.replace(year=self.end.year - 1))
        if self.key == "quarter":
            end = self.start - timedelta(days=1)
            return Period("previous", date(end.year, end.month - 2, 1), end)
        length = self.end - self.start
        return Period("previous", self.start - length - timedelta(days=1), self.start - timedelta(days=1))


def preset(key: str, today: date) -> Period:
    if key == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(key, end.replace(day=1), end)
    if key == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        nxt = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
        return Period(key, first, nxt - timedelta(days=1))
    if key == "year":
        return Period(key, date(today.year, 1, 1), date(today.year, 12, 31))
    if key == "last_year":
        return Period(key, date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if key == "all":
        return Period(key, None, None)
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, nxt - timedelta(days=1))
