"""What the platform does by itself as a step's time runs out (the worker's timers).

- **A reminder** (提醒) to whoever holds the step — the dispatchers while a
  request waits to be registered or dispatched, the unit's handlers once it is
  theirs — when 75% of the step's time limit is used (`step_warn_at`), once per
  step.
- **An urge** (自动催办) to the same people on the first working day after the
  step went overdue, from the start of office hours, once per step (a
  supervisor's own urge after the deadline counts: no second one).

Both are timeline events written through the one transition table (internal
rules "remind" and "urge-overdue"), so the outbox tells the people and a
request acted on meanwhile is left for the next pass (the version check). Each
pass finds its requests with one query; a request's step is identified by
`step_started`, so a new step (signed for, reopened) starts the count again.
Overdue and due-soon on the pages never wait for this: they are read from the
stored deadlines.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from workcalendar.calendar import WORK_PERIODS, WorkCalendar

from .errors import Conflict
from .models import BEFORE_REPLY, Appeal, AppealEvent
from .workflow import SYSTEM, commit

BATCH = 500  # requests written per query round; the next pass takes the rest


def _reminded_in_this_step():
    # Strictly after the step's start: a reminder written at the very moment a step began was the last step's.
    return Exists(AppealEvent.objects.filter(appeal=OuterRef("pk"), action="remind", at__gt=OuterRef("step_started")))


def _urged_since_due():
    return Exists(AppealEvent.objects.filter(appeal=OuterRef("pk"), action="urge", at__gte=OuterRef("step_due")))


def remind_due_soon(now: datetime | None = None) -> int:
    """Reminds the holders of every step past 75% of its time and not yet reminded; returns how many."""
    now = now or timezone.now()
    due = (Appeal.objects.filter(status__in=BEFORE_REPLY, step_warn_at__lte=now, step_due__gt=now,
                                 step_started__isnull=False)
           .exclude(_reminded_in_this_step())
           .select_related("owner_node")
           .order_by("step_warn_at")[:BATCH])
    done = 0
    for appeal in due:
        try:
            with transaction.atomic():
                commit(appeal, SYSTEM, "remind", public=False, now=now,
                       note=_("75%% of this step's time is used: due %(due)s.")
                       % {"due": timezone.localtime(appeal.step_due).strftime("%Y-%m-%d %H:%M")},
                       data={"due": appeal.step_due.isoformat()})
            done += 1
        except Conflict:
            continue  # acted on meanwhile: read again next pass
    return done


def urge_overdue(now: datetime | None = None, calendar: WorkCalendar | None = None) -> int:
    """Urges the holders of every step overdue since before today, on a working day from office hours
    on, once per step; returns how many."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    calendar = calendar or WorkCalendar.load()
    if not calendar.is_workday(local.date()) or local.time() < WORK_PERIODS[0][0]:
        return 0
    start_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    due = (Appeal.objects.filter(status__in=BEFORE_REPLY, step_due__lt=start_of_today)
           .exclude(_urged_since_due())
           .select_related("owner_node")
           .order_by("step_due")[:BATCH])
    done = 0
    for appeal in due:
        try:
            with transaction.atomic():
                commit(appeal, SYSTEM, "urge-overdue", public=False, now=now,
                       note=_("Overdue since %(due)s: please finish this step today.")
                       % {"due": timezone.localtime(appeal.step_due).strftime("%Y-%m-%d %H:%M")},
                       data={"auto": True, "due": appeal.step_due.isoformat()})
            done += 1
        except Conflict:
            continue
    return done


__all__ = ["remind_due_soon", "urge_overdue"]
