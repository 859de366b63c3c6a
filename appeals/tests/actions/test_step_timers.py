"""The timers that keep a step moving (appeals.timers): a reminder to whoever
holds the step once 75% of its time is used, and an urge on the first working
day after it went overdue — each once per step, on the timeline, told through
the outbox."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from appeals import services, timers
from appeals.models import AppealEvent, Status
from conftest import deliver
from notifications.models import Notification
from workcalendar.calendar import WorkCalendar

from ._support import events, member

S = Status


def told(event: AppealEvent) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_the_unit_is_reminded_once_when_three_quarters_of_its_time_is_used(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    deliver()
    warn, due = appeal.step_warn_at, appeal.step_due
    assert appeal.step_started <= warn < due
    assert timers.remind_due_soon(now=warn - timedelta(minutes=1)) == 0
    assert timers.remind_due_soon(now=warn + timedelta(minutes=1)) == 1
    assert timers.remind_due_soon(now=warn + timedelta(minutes=2)) == 0  # once per step
    (event,) = events(appeal, "remind")
    assert event.actor is None and not event.public and event.data == {"due": due.isoformat()}
    deliver()
    assert told(event) == {"handler"}
    assert timers.remind_due_soon(now=due + timedelta(minutes=1)) == 0  # overdue is the urge's business


def test_a_new_step_is_reminded_again_and_the_dispatch_stage_reminds_the_dispatchers(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REGISTERED)
    deliver()
    assert appeal.step_warn_at is not None
    clock.set(appeal.step_warn_at + timedelta(minutes=1))
    assert timers.remind_due_soon() == 1
    deliver()
    assert told(events(appeal, "remind")[0]) == {"dispatcher"}
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    appeal.refresh_from_db()
    clock.set(appeal.step_warn_at + timedelta(minutes=1))
    assert timers.remind_due_soon() == 1
    deliver()
    assert told(events(appeal, "remind")[1]) == {"handler"}


def next_workday_after(day) -> datetime:
    calendar, d = WorkCalendar.load(), day + timedelta(days=1)
    while not calendar.is_workday(d):
        d += timedelta(days=1)
    return d


def test_an_overdue_step_is_urged_on_the_next_working_day_from_nine_and_only_once(cast, clock):
    from django.utils import timezone

    clock.set("2026-06-05 10:00")  # a Friday
    appeal = cast.appeal_in(S.SIGNED)
    deliver()
    due = timezone.localtime(appeal.step_due)
    assert timers.urge_overdue(now=due + timedelta(hours=1)) == 0  # overdue today: not yet
    workday = next_workday_after(due.date())
    morning = datetime.combine(workday, time(8, 59), tzinfo=due.tzinfo)
    for day in range(1, (workday - due.date()).days):  # the weekend or holiday between
        assert timers.urge_overdue(now=datetime.combine(due.date() + timedelta(days=day), time(10, 0),
                                                        tzinfo=due.tzinfo)) == 0
    assert timers.urge_overdue(now=morning) == 0  # before office hours
    assert timers.urge_overdue(now=morning + timedelta(minutes=2)) == 1
    assert timers.urge_overdue(now=morning + timedelta(hours=3)) == 0  # once per step
    (event,) = events(appeal, "urge")
    assert event.actor is None and event.data["auto"] is True and event.data["due"] == appeal.step_due.isoformat()
    deliver()
    assert told(event) == {"handler"}
    appeal.refresh_from_db()
    assert appeal.urge_count == 0  # the count of people's urges is theirs


def test_a_supervisors_urge_after_the_deadline_is_not_repeated_by_the_platform(cast, clock):
    from django.utils import timezone

    clock.set("2026-06-05 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    due = timezone.localtime(appeal.step_due)
    clock.set(due + timedelta(minutes=30))
    services.urge(appeal, actor=member(cast, "supervisor"), content="请今天办结")
    later = datetime.combine(next_workday_after(due.date()), time(10, 0), tzinfo=due.tzinfo)
    assert timers.urge_overdue(now=later) == 0
    assert len(events(appeal, "urge")) == 1


def test_a_replied_or_closed_request_is_neither_reminded_nor_urged(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)
    far = appeal.created_at + timedelta(days=60)
    assert timers.remind_due_soon(now=far) == 0 and timers.urge_overdue(now=far) == 0
    assert events(appeal, "remind") == [] and events(appeal, "urge") == []
