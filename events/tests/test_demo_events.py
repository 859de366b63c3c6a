"""demo/events.py: the demo quarter's programmes, events and sign-ups, on the
real demo tree, units, accounts and places (built by demo/build.py without
the requests), hold the invariants the services keep."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from demo import build
from demo import events as demo_events
from events import services
from events.models import Event, Programme, Signup
from notifications.models import SmsMessage
from organisations.models import Node

pytestmark = pytest.mark.django_db
S = Signup.State


def make_demo() -> build.Demo:
    demo = build.Demo()
    build.build_tree(demo)
    build.build_units(demo)
    build.build_accounts(demo, "demo", random.Random(1))
    build.build_places(demo, random.Random(2))
    return demo


def local(moment) -> date:
    return timezone.localtime(moment).date()


def check_invariants(demo, today: date) -> list[Event]:
    first, last = demo_events.quarter_of(today)
    ceiling = timezone.make_aware(timezone.datetime.combine(today, time(0, 0)))
    with_places = [c for c in demo.communities if c.node.places.exists()]
    assert len(with_places) >= 10  # the six of 延安北路 and the Hutubi ones with places
    events = list(Event.objects.select_related("place", "theme", "node").prefetch_related("signups"))
    assert {e.node_id for e in events} == {c.node.pk for c in with_places}

    # A plan for the quarter and a theme for each of its months.
    for community in with_places:
        rows = Programme.objects.filter(node=community.node)
        quarter = rows.get(period=Programme.Period.QUARTER)
        assert quarter.starts_on == first and "季度" in quarter.title
        months = sorted(rows.filter(period=Programme.Period.MONTH).values_list("starts_on", flat=True))
        assert months == [date(first.year, first.month + k, 1) for k in range(3)]
        for programme in rows:
            programme.full_clean()
    assert Programme.objects.filter(node__in=[c.node for c in demo.communities if c not in with_places]).count() == 0

    called_off = [e for e in events if e.cancelled_at]
    assert len(called_off) == 1
    assert called_off[0].cancelled_at < ceiling

    waiting_lists = 0
    for event in events:
        start = timezone.localtime(event.starts_at)
        assert first <= start.date() <= last, event  # within the quarter
        assert start.date() != today  # plainly past or upcoming
        assert time(10, 0) <= start.time() <= time(21, 0)
        assert event.ends_at > event.starts_at and event.published
        assert event.theme.node_id == event.node_id and event.theme.period == Programme.Period.MONTH
        assert event.theme.starts_on == start.date().replace(day=1)
        assert event.created_at <= event.updated_at < ceiling
        if event.signup_closes_at:
            assert event.signup_closes_at <= event.starts_at
        if event.place_id:
            assert event.place.node_id == event.node_id
        else:
            assert event.location
        assert event.capacity is None or 20 <= event.capacity <= 40

        signups = list(event.signups.all())
        states = Counter(s.state for s in signups)
        seated = sum(states[s] for s in Signup.SEATED)
        if event.capacity is None:
            assert not signups  # open air: no sign-up needed
            assert not event.place_id
            continue
        assert seated <= event.capacity, event  # never over capacity
        phones = [s.phone for s in signups if s.state != S.CANCELLED]
        assert len(phones) == len(set(phones))  # one live sign-up per phone
        for signup in signups:
            assert re.fullmatch(r"1390000\d{4}", signup.phone) and signup.name
            assert event.updated_at - timedelta(days=60) < signup.created_at < min(event.closes_at, ceiling)
            if signup.state == S.CANCELLED:
                assert signup.created_at < signup.cancelled_at < ceiling
            else:
                assert signup.cancelled_at is None
            if signup.promoted_at:
                assert signup.state in Signup.SEATED and signup.created_at < signup.promoted_at < ceiling
        if states[S.WAITING]:
            waiting_lists += 1
            assert seated == event.capacity, event  # a waiting list only on a full event
            assert start.date() > today and not event.cancelled_at
            first_waiting = min(s.created_at for s in signups if s.state == S.WAITING)
            late = [s for s in signups if s.state == S.CONFIRMED and not s.promoted_at
                    and s.created_at > first_waiting]
            assert not late  # nobody signed up after a waiting resident got a place before them
            assert any(s.promoted_at for s in signups)
        if start.date() < today and not event.cancelled_at:
            assert not states[S.CONFIRMED] and not states[S.WAITING], event  # the attendance was taken
            assert set(states) <= {S.ATTENDED, S.NO_SHOW, S.CANCELLED}
            assert event.ends_at < event.attendance_closed_at < ceiling
            for signup in signups:
                assert (signup.checked_in_at is not None) == (signup.state == S.ATTENDED)
                if signup.checked_in_at:
                    assert signup.created_at < signup.checked_in_at < event.ends_at
        else:
            assert event.attendance_closed_at is None
            assert not states[S.ATTENDED] and not states[S.NO_SHOW]
    return events


def test_a_quarter_of_programmes_events_and_signups_around_today(db):
    demo = make_demo()
    today = timezone.localdate()
    figures = demo_events.build(demo, random.Random(3), today)
    events = check_invariants(demo, today)
    assert figures["events"] == len(events) >= 11 * 12  # an event a week in each community
    assert figures["signups"] == Signup.objects.count()
    assert not SmsMessage.objects.exists()  # nobody was texted

    upcoming = [e for e in events if local(e.starts_at) > today]
    full = [e for e in upcoming if e.signups.filter(state=S.WAITING).exists()]
    mine = Counter(e.node_id for e in full)
    if upcoming:
        assert full and all(1 <= n <= 2 for n in mine.values())  # a waiting list on one or two of each
    assert len({e.audience for e in events}) >= 5
    assert {Event.Audience.ELDERLY, Event.Audience.CHILDREN} <= {e.audience for e in events}
    assert {"canteen", "centre", "deliberation"} <= {e.place.kind for e in events if e.place_id}
    assert any(e.capacity is None for e in events)
    themes = set(Programme.objects.filter(period=Programme.Period.MONTH).values_list("title", flat=True))
    assert {"邻里文化节", "一起来“摊”玩", "一元公益日", "闲置物品交换", "居民恳谈日"} <= themes
    assert Signup.objects.filter(state=S.ATTENDED, checked_in_by__isnull=False).exists() or not any(
        e.organiser_id for e in events)

    # The real services take the demo's rows as they are.
    if full:
        event = full[0]
        queue = list(event.signups.filter(state=S.WAITING).order_by("created_at", "id"))
        assert services.waiting_position(queue[0]) == 1
        leaver = event.signups.filter(state=S.CONFIRMED).first()
        services.cancel(leaver)
        queue[0].refresh_from_db()
        assert queue[0].state == S.CONFIRMED
        assert event.signups.filter(state__in=Signup.SEATED).count() == event.capacity


@pytest.mark.parametrize("today", [date(2025, 4, 1), date(2025, 5, 14), date(2025, 6, 30), date(2025, 12, 31)])
def test_the_invariants_hold_on_any_day_of_a_quarter(db, today):
    demo = make_demo()
    demo_events.build(demo, random.Random(3), today)
    events = check_invariants(demo, today)
    past = [e for e in events if local(e.starts_at) < today]
    if today.day == 1 and today.month in (1, 4, 7, 10):
        assert not past
    if today == demo_events.quarter_of(today)[1]:
        assert all(local(e.starts_at) < today for e in events)


def test_the_same_seed_gives_the_same_events():
    demo = make_demo()
    demo_events.build(demo, random.Random(3), date(2025, 5, 14))
    first = list(Event.objects.order_by("node_id", "starts_at").values_list("title", "starts_at", "capacity"))
    signups = Signup.objects.count()
    Event.objects.all().delete()
    Programme.objects.all().delete()
    demo_events.build(demo, random.Random(3), date(2025, 5, 14))
    assert list(Event.objects.order_by("node_id", "starts_at").values_list("title", "starts_at", "capacity")) == first
    assert Signup.objects.count() == signups


def test_wiping_the_events_lets_the_demo_tree_go():
    demo = make_demo()
    demo_events.build(demo, random.Random(3), timezone.localdate())
    roots = list(Node.objects.filter(code__in=build.ROOT_CODES, parent__isnull=True))
    demo_events.wipe(roots)
    assert not Event.objects.exists() and not Programme.objects.exists() and not Signup.objects.exists()
    build.wipe()
    assert not Node.objects.exists()


def test_reloading_the_demo_wipes_its_events_first():
    demo = make_demo()
    demo_events.build(demo, random.Random(3), timezone.localdate())
    build.wipe()  # events.wipe inside: an event's community protects the tree
    assert not Event.objects.exists() and not Signup.objects.exists() and not Node.objects.exists()
