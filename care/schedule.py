"""Recurring plans become orders: each active plan gets its orders up to
HORIZON_DAYS ahead (the timers run `make_orders`; saving a plan makes its own).
Which days a plan falls on follows the working calendar — 工作日 skips the
public holidays and includes the weekend days worked in their place — and a
meal is never planned on a day its canteen is closed (its opening hours,
holiday closures and special days included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from places import hours
from workcalendar.calendar import HOLIDAY, WorkCalendar

from .models import Kind, Order, Plan

HORIZON_DAYS = 7  # orders exist this many days ahead: tomorrow's meal count is always known
D = Plan.Days


def falls_on(plan: Plan, d: date, calendar: WorkCalendar) -> bool:
    """Whether the plan asks for its service on `d` (the canteen aside)."""
    if d < plan.starts_on or (plan.ends_on and d > plan.ends_on):
        return False
    if plan.days == D.WORKDAYS:
        return calendar.is_workday(d)
    if plan.skip_holidays and calendar.kind(d) == HOLIDAY:
        return False
    if plan.days == D.DAILY:
        return True
    if plan.days == D.WEEKLY:
        return str(d.isoweekday()) in plan.weekdays
    return d.day == plan.starts_on.day  # MONTHLY (a month without that day has none)


def canteen_rules(plan: Plan) -> hours.Rules | None:
    """The opening hours that decide a meal plan's days, read once (None: nothing
    closes it — not a meal, or a canteen without hours kept)."""
    if plan.kind != Kind.MEAL or not plan.canteen_id:
        return None
    rules = hours.Rules.of(plan.canteen)
    if not rules.week and not rules.open_24h and not rules.specials:
        return None  # no hours kept for it: nothing says it is closed
    return rules


def days_of(plan: Plan, first: date, last: date, calendar: WorkCalendar | None = None) -> list[date]:
    calendar = calendar or WorkCalendar.load()
    rules = canteen_rules(plan)
    out, d = [], first
    while d <= last:
        if falls_on(plan, d, calendar) and (rules is None or hours.day(rules, d, calendar).periods):
            out.append(d)
        d += timedelta(days=1)
    return out


def _due(plan: Plan, d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, plan.at))


def make_for(plan: Plan, today: date | None = None, calendar: WorkCalendar | None = None) -> int:
    """Makes the plan's missing orders from today to the horizon; returns how many.
    Nothing for a stopped plan or a recipient no longer looked after; the regular
    volunteer takes the delivered orders only while they are active (else the
    orders are open to any volunteer, as `services.take` would refuse them)."""
    today = today or timezone.localdate()
    last = today + timedelta(days=HORIZON_DAYS)
    if not plan.active:
        return 0
    first = max(today, plan.starts_on)
    with transaction.atomic():
        plan = (Plan.objects.select_for_update(of=("self",))
                .select_related("canteen", "recipient", "volunteer").get(pk=plan.pk))
        if not plan.active or not plan.recipient.active:
            return 0
        have = set(plan.orders.filter(day__gte=first, day__lte=last).values_list("day", flat=True))
        regular = plan.volunteer if plan.volunteer is not None and plan.volunteer.active else None
        if plan.mode == Plan.Mode.DINE_IN:
            regular = None
        now = timezone.now()
        new = [Order(recipient_id=plan.recipient_id, plan=plan, kind=plan.kind, canteen_id=plan.canteen_id,
                     mode=plan.mode, day=d, due_at=_due(plan, d), minutes=plan.duration, note=plan.note,
                     volunteer=regular, state=Order.State.TAKEN if regular else Order.State.OPEN,
                     taken_at=now if regular else None)
               for d in days_of(plan, first, last, calendar)
               if d not in have and not (d == timezone.localdate() and _due(plan, d) <= now)]  # not already late
        Order.objects.bulk_create(new)
        Plan.objects.filter(pk=plan.pk).update(made_until=last)
    return len(new)


def make_orders(today: date | None = None) -> int:
    """Every active plan's orders up to the horizon (what the timers run)."""
    today = today or timezone.localdate()
    last = today + timedelta(days=HORIZON_DAYS)
    calendar = WorkCalendar.load()
    due = Plan.objects.filter(active=True, recipient__active=True).filter(
        Q(made_until__isnull=True) | Q(made_until__lt=last)).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return sum(make_for(plan, today, calendar) for plan in due)


def drop_future(plan: Plan, today: date | None = None) -> int:
    """A plan stopped or changed: its orders not yet taken from today on go
    (taken ones stay with their volunteer, who is told nothing new)."""
    today = today or timezone.localdate()
    n, _ = plan.orders.filter(day__gte=today, state=Order.State.OPEN).delete()
    Plan.objects.filter(pk=plan.pk).update(made_until=None)
    return n
