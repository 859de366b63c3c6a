"""Loads the demo county in one transaction, on a moving clock."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta
from unittest import mock

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from appeals.models import Appeal, AppealEvent
from notifications import outbox
from notifications.models import Notification, SmsMessage
from workcalendar.calendar import WorkCalendar

from . import build, play, stories
from .build import wipe

SEED = 20240607  # fixed: the same demo every time
READ_AFTER = timedelta(days=2)  # older notifications are shown as already read

__all__ = ["load", "wipe"]


def load(*, password: str, requests: int = 500, seed: int = SEED) -> dict:
    """Wipes the previous demo and builds it again; returns figures for the summary.

    1. Tree, units, categories and accounts are created directly (configuration).
    2. Requests are planned with a seeded generator, then played through
       appeals.intake / appeals.services with `django.utils.timezone.now`
       patched to each step's moment.
    3. After commit, the outbox makes the notifications; they are dated like
       their events and the older ones marked read.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        wipe()
        demo = build.Demo()
        build.build_tree(demo)
        build.build_units(demo)
        build.build_categories(demo)
        build.build_accounts(demo, password, rng)
        build.build_api_client(demo)
        build.build_places(demo, random.Random(seed + 1))  # its own draws: the stories stay as they were
        now = timezone.now()
        build.build_events(demo, random.Random(seed + 2), timezone.localdate(now))  # its own draws too
        build.build_care(demo, random.Random(seed + 3), timezone.localdate(now), now)  # after the events it staffs
        calendar = stories.MemoCalendar(WorkCalendar.load())
        planner = stories.Planner(demo, rng, now, calendar)
        planned = planner.plan(requests)
        clock = play.Clock(now)
        player = play.Player(demo, clock)
        # The events stay unprocessed in the outbox while the clock runs; it is
        # drained once afterwards, as the send_notifications worker would. The
        # calendar cannot change during the load, so the services share one
        # loaded copy instead of reading it for every action.
        with (
            mock.patch("django.utils.timezone.now", clock),
            mock.patch.object(WorkCalendar, "load", return_value=calendar),
        ):
            for story in planned:
                player.play(story)
        _check(planned)
        # After build_care, and after the stories: a past talk day links a request they made.
        build.build_deliberation(demo, random.Random(seed + 4), timezone.localdate(now))
        build.build_care_plan(demo, random.Random(seed + 5), timezone.localdate(now))
        build.build_fund(demo, random.Random(seed + 6), timezone.localdate(now))
        played = time.monotonic()
        _deliver_all()
        ids = [s.appeal.pk for s in planned]
        _date_notifications(ids, now)
    appeals = Appeal.objects.filter(pk__in=ids)
    real_now = timezone.now()
    return {
        "seconds": time.monotonic() - started,
        "play_seconds": played - started,
        "nodes": len(demo.nodes),
        "units": len(demo.units and {u.pk for u in demo.units.values()}),
        "categories": len(demo.categories),
        "accounts": len(demo.users),
        "requests": len(ids),
        "events": AppealEvent.objects.filter(appeal_id__in=ids).count(),
        "by_status": Counter(appeals.values_list("status", flat=True)),
        "overdue": appeals.overdue(real_now).count(),
        "due_soon": appeals.due_soon(real_now).count(),
    }


def _check(planned) -> None:
    """Every request ends where its story said, even after later stories ran
    (the evaluation timer must not have closed anyone else's)."""
    final = dict(Appeal.objects.filter(pk__in=[s.appeal.pk for s in planned]).values_list("pk", "status"))
    wrong = [s for s in planned if final[s.appeal.pk] != s.final]
    if wrong:
        raise RuntimeError(f"{len(wrong)} demo requests ended in an unexpected state, e.g. {wrong[0].appeal}")


def _deliver_all() -> None:
    """Drains the outbox (inside the load's transaction, so that its claims
    are savepoints rather than thousands of commits). The text messages it
    made belong to the demo's past: nobody is sent them."""
    before = set(SmsMessage.objects.values_list("pk", flat=True))
    for _ in range(1000):
        if not AppealEvent.objects.filter(notified_at__isnull=True).exists():
            break
        outbox.deliver_pending()
    SmsMessage.objects.exclude(pk__in=before).delete()


def _date_notifications(appeal_ids: list[int], now) -> None:
    rows = Notification.objects.filter(event__appeal_id__in=appeal_ids)
    rows.update(created_at=Subquery(AppealEvent.objects.filter(pk=OuterRef("event_id")).values("at")[:1]))
    rows.filter(created_at__lt=now - READ_AFTER).update(read_at=F("created_at") + timedelta(hours=3))
