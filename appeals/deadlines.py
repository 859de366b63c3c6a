"""Time limits (限时办结): which limit applies, and when a step is due.

Limits live in `TimeLimit` rows (admin-edited, seeded with the defaults of
SPEC §2.3 by a data migration). The rules that are not per-category stay here
as constants: they are the platform's policy, not deployment facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from hubiying.refdata import Reference
from workcalendar.calendar import Deadline, WorkCalendar

from .models import Appeal, Status, TimeLimit

# The step whose deadline runs in each state, timed from `step_started` (none in the
# others; while the unit handles the request, its step is the reply deadline).
STEP_OF_STATE = {
    Status.SUBMITTED: TimeLimit.Step.DISPATCH,
    Status.REGISTERED: TimeLimit.Step.DISPATCH,
    Status.RETURNED: TimeLimit.Step.DISPATCH,
    Status.DISPATCHED: TimeLimit.Step.SIGN,
    Status.REOPENED: TimeLimit.Step.SIGN,
    Status.REPLIED: TimeLimit.Step.EVALUATE,
}
HANDLING = {Status.SIGNED, Status.IN_PROGRESS}

MAX_EXTENSIONS = 3
MAX_EXTENSION_DAYS = 3


def extension_limit_message() -> str:
    """Why a longer extension is refused (the form, the API and the service say the same)."""
    from django.utils.translation import gettext as _

    return _("An extension is 1 to %(n)d working days at a time, at most %(times)d times for a request: a "
             "request that needs longer goes back to the dispatcher (return it), who can re-dispatch it or "
             "have it supervised.") % {"n": MAX_EXTENSION_DAYS, "times": MAX_EXTENSIONS}
ESCALATE_AFTER_REOPENS = 3
WARN_FRACTION = Decimal("0.75")

# Used when the admin has deleted every row for a step.
FALLBACK = {
    TimeLimit.Step.DISPATCH: (Decimal(4), TimeLimit.Clock.WORK_HOURS),
    TimeLimit.Step.SIGN: (Decimal(1), TimeLimit.Clock.WORK_DAYS),
    TimeLimit.Step.RESPOND: (Decimal(1), TimeLimit.Clock.WORK_DAYS),
    TimeLimit.Step.HANDLE: (Decimal(5), TimeLimit.Clock.WORK_DAYS),
    TimeLimit.Step.EVALUATE: (Decimal(7), TimeLimit.Clock.DAYS),
    TimeLimit.Step.SUPERVISE: (Decimal(3), TimeLimit.Clock.WORK_DAYS),
}


def _load_time_limits() -> dict[str, list[TimeLimit]]:
    by_step: dict[str, list[TimeLimit]] = {}
    for row in TimeLimit.objects.all():
        by_step.setdefault(row.step, []).append(row)
    return by_step


_TIME_LIMITS = Reference(_load_time_limits, watch=(TimeLimit,))


@dataclass(frozen=True)
class StepDeadline:
    started: datetime
    warn_at: datetime
    due: datetime
    estimated: bool


def matching_limits(step: str, category_id, parent_id, urgency: str, appeal_type: str) -> list[TimeLimit]:
    """Every TimeLimit row that applies to such a request, the winner first: the most specific wins
    (its own category over the parent's, then the urgency, then the type; empty fields match anything)."""
    scored = []
    category_ids = {category_id, parent_id} - {None}
    for row in _TIME_LIMITS.get().get(step, []):
        score = 0
        if row.category_id:
            if row.category_id not in category_ids:
                continue
            score += 8 if row.category_id == category_id else 4
        if row.urgency:
            if row.urgency != urgency:
                continue
            score += 2
        if row.appeal_type:
            if row.appeal_type != appeal_type:
                continue
            score += 1
        scored.append((score, row))
    # A tie keeps the first row read, as it always has.
    return [row for _, row in sorted(scored, key=lambda pair: -pair[0])]


def limit_for(step: str, appeal: Appeal) -> tuple[Decimal, str]:
    """The most specific TimeLimit row for this step and appeal."""
    rows = matching_limits(step, appeal.category_id, appeal.category.parent_id, appeal.urgency, appeal.type)
    if not rows:
        return FALLBACK[step]
    return rows[0].amount, rows[0].clock


def add_time(calendar: WorkCalendar, start: datetime, amount: Decimal, clock: str) -> Deadline:
    amount = Decimal(str(amount))
    if clock == TimeLimit.Clock.WORK_HOURS:
        return calendar.add_working_hours(start, float(amount))
    if clock == TimeLimit.Clock.WORK_DAYS:
        if amount != amount.to_integral_value():
            # Half a working day is 4 office hours; int() would make it 0 days
            # (due at 18:00 the same day, before a start in the evening).
            return calendar.add_working_hours(start, float(amount * 8))
        return calendar.add_working_days(start, int(amount))
    if clock == TimeLimit.Clock.HOURS:
        return Deadline(start + timedelta(hours=float(amount)))
    return Deadline(start + timedelta(days=float(amount)))


def step_deadline(step: str, appeal: Appeal, start: datetime, calendar: WorkCalendar | None = None) -> StepDeadline:
    """When the step that starts now is due, and when it turns 'due soon'."""
    calendar = calendar or WorkCalendar.load()
    amount, clock = limit_for(step, appeal)
    due = add_time(calendar, start, amount, clock)
    return StepDeadline(start, warn_time(calendar, start, due.at, clock), due.at, due.estimated)


def warn_time(calendar: WorkCalendar, start: datetime, due: datetime, clock: str) -> datetime:
    """When 75% of the time from `start` to `due` is used, on the limit's own
    clock: a working-time limit turns "due soon" in office hours, never on a
    Sunday night."""
    if due <= start:
        return due
    if clock in (TimeLimit.Clock.WORK_HOURS, TimeLimit.Clock.WORK_DAYS):
        hours = calendar.working_hours_between(start, due)
        if hours > 0:
            return min(calendar.add_working_hours(start, hours * float(WARN_FRACTION)).at, due)
    return start + (due - start) * float(WARN_FRACTION)


def extend(calendar: WorkCalendar, due: datetime, days: int) -> Deadline:
    return calendar.add_working_days(due, days)


def recompute(appeal: Appeal, events, calendar: WorkCalendar) -> dict:
    """The stored deadline fields of `appeal` as `calendar` gives them now,
    worked out again from the moments each step started (its timeline
    `events`, oldest first): the current step, the reply deadline with its
    approved extensions, supervision, the reply's on-time flag, and whether any
    of them is still an estimate."""
    fields: dict = {}
    estimated = False
    rounds = [e for e in events if e.action in ("dispatch", "reopen") and not (e.data or {}).get("on_the_spot")]
    handle_due = appeal.handle_due
    if rounds and appeal.handle_due is not None:
        start = rounds[-1]
        due = step_deadline(TimeLimit.Step.HANDLE, appeal, start.at, calendar)
        handle_due, estimated = due.due, due.estimated
        for event in events:
            data = event.data or {}
            if event.action == "approve-extension" and data.get("approve") and event.at >= start.at:
                extended = extend(calendar, handle_due, int(data.get("days") or 0))
                handle_due, estimated = extended.at, estimated or extended.estimated
        fields["handle_due"] = handle_due
    step = STEP_OF_STATE.get(appeal.status)
    if step is not None and appeal.step_started is not None:
        d = step_deadline(step, appeal, appeal.step_started, calendar)
        fields.update(step_warn_at=d.warn_at, step_due=d.due)
        estimated = estimated or d.estimated
    elif appeal.status in HANDLING and appeal.step_started is not None and handle_due is not None:
        _amount, clock = limit_for(TimeLimit.Step.HANDLE, appeal)
        fields.update(step_due=handle_due, step_warn_at=warn_time(calendar, appeal.step_started, handle_due, clock))
    supervisions = [e for e in events if e.action == "supervise"]
    if appeal.supervised and supervisions:
        d = step_deadline(TimeLimit.Step.SUPERVISE, appeal, supervisions[-1].at, calendar)
        fields["supervise_due"] = d.due
        estimated = estimated or d.estimated
    if appeal.replied_at is not None and handle_due is not None and not any(
            (e.data or {}).get("on_the_spot") for e in events if e.action == "reply"):
        fields["reply_on_time"] = appeal.replied_at <= handle_due
    fields["deadline_estimated"] = estimated
    return {name: value for name, value in fields.items() if getattr(appeal, name) != value}
