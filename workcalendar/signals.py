"""Sent (explicitly, by the admin and the commands that edit the calendar)
once the official schedule of some years changed: whatever computed deadlines
on the old one recomputes them (appeals recalculates its estimated
ones and the open requests with a deadline in those years)."""

from django.dispatch import Signal

# years: the calendar years whose days changed.
schedule_changed = Signal()
