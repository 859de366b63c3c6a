"""demo/care.py: the demo communities' volunteers, teams and duties, and the
canteens' care recipients, plans, orders and hours, on the real demo tree,
accounts, places and events (built by demo/build.py without the requests)."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from care import services
from care.models import Kind, Order, Plan, Recipient
from demo import build
from demo import care as demo_care
from demo import events as demo_events
from events.models import Event, Signup
from notifications.models import SmsMessage
from organisations.models import Node, PersonalDataView
from places.models import Place
from volunteers.models import Duty, HoursEntry, Team, Volunteer

pytestmark = pytest.mark.django_db
S = Order.State


def make_demo() -> build.Demo:
    demo = build.Demo()
    build.build_tree(demo)
    build.build_units(demo)
    build.build_accounts(demo, "demo", random.Random(1))
    build.build_places(demo, random.Random(2))
    return demo


def load(today: date, now: datetime) -> tuple[build.Demo, dict]:
    demo = make_demo()
    demo_events.build(demo, random.Random(3), today)
    return demo, demo_care.build(demo, random.Random(4), today, now)


def at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def snapshot() -> dict:
    """What a second build must reproduce."""
    return {
        "volunteers": sorted(Volunteer.objects.values_list("node__code", "name", "phone", "days", "active")),
        "teams": sorted(Team.objects.values_list("node__code", "name")),
        "members": Volunteer.teams.through.objects.count(),
        "skills": Volunteer.skills.through.objects.count(),
        "recipients": sorted(Recipient.objects.values_list("node__code", "name", "category", "diet")),
        "plans": Counter(Plan.objects.values_list("kind", "mode", "days")),
        "orders": Counter(Order.objects.values_list("kind", "state")),
        "duties": Counter(Duty.objects.values_list("state", flat=True)),
        "hours": Counter(HoursEntry.objects.values_list("kind", flat=True)),
        "minutes": sum(HoursEntry.objects.values_list("minutes", flat=True)),
    }


def check_invariants(demo, today: date, now: datetime) -> None:
    ceiling = at(today, time(0, 0))
    with_places = [c for c in demo.communities if c.node.places.exists()]
    with_canteen = [c for c in with_places if c.node.places.filter(kind=Place.Kind.CANTEEN).exists()]
    assert len(with_canteen) >= 3

    # Volunteers in every community with places, in teams, on plainly fake numbers.
    event_phones = set(Signup.objects.values_list("phone", flat=True))
    for community in with_places:
        volunteers = list(Volunteer.objects.filter(node=community.node).prefetch_related("skills", "teams"))
        assert 12 <= len(volunteers) <= 25
        assert len({v.name for v in volunteers}) == len(volunteers)
        for volunteer in volunteers:
            assert re.fullmatch(r"1390001\d{4}", volunteer.phone) and volunteer.phone not in event_phones
            assert volunteer.skills.exists()
            volunteer.full_clean()
        teams = {t.name: t for t in Team.objects.filter(node=community.node)}
        assert {"雷锋车队", "红色先锋驿站服务队"} <= set(teams)
        assert all(t.members.filter(active=True).count() >= 2 for t in teams.values())
        assert teams["雷锋车队"].members.filter(skills__code="meals").count() == teams["雷锋车队"].members.count()
        shop = teams["红色先锋驿站服务队"].place
        assert shop is None or shop.node_id == community.node.pk
    phones = list(Volunteer.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones))

    # Recipients only where a canteen cooks for them, in the community's compounds.
    assert set(Recipient.objects.values_list("node__parent__parent_id", flat=True)) == {
        c.node.pk for c in with_canteen}
    for community in with_canteen:
        recipients = Recipient.objects.filter(node__in=community.compounds)
        assert 8 <= recipients.count() <= 15
        categories = Counter(recipients.values_list("category", flat=True))
        assert categories["alone"] + categories["elderly"] > recipients.count() / 2
        assert categories["child"] + categories["difficulty"] >= 1
    recipients = Recipient.objects.all()
    assert recipients.filter(phone="").exists() and recipients.exclude(phone="").exists()
    assert all(re.fullmatch(r"1390002\d{4}", p) for p in recipients.exclude(phone="").values_list("phone", flat=True))
    assert {"normal", "low_salt", "halal"} <= set(recipients.values_list("diet", flat=True))
    for recipient in recipients:
        assert re.fullmatch(r".+\d+号院\d+号楼\d单元\d0\d", recipient.address), recipient.address
        assert recipient.plans.exists() or recipient.category != "child"
        recipient.full_clean()

    # Plans: lunch from the community's canteen for most, a few at the canteen, haircuts and cleaning.
    plans = Plan.objects.select_related("canteen", "recipient__node", "volunteer")
    meals = plans.filter(kind=Kind.MEAL)
    assert meals.count() > recipients.count() / 2
    assert meals.filter(mode=Plan.Mode.DINE_IN).exists() and meals.filter(volunteer__isnull=False).exists()
    assert plans.filter(kind=Kind.HAIRCUT, days=Plan.Days.MONTHLY).exists()
    assert plans.filter(kind=Kind.CLEANING, days=Plan.Days.WEEKLY, weekdays="3").exists()
    for plan in plans:
        plan.full_clean()
        if plan.kind == Kind.MEAL:
            assert plan.canteen.kind == Place.Kind.CANTEEN
            assert plan.recipient.node.path.startswith(plan.canteen.node.path)
        if plan.volunteer_id:
            assert plan.volunteer.active and plan.recipient.node.path.startswith(plan.volunteer.node.path)
        assert plan.made_until == today + timedelta(days=7)

    # Orders: the next week's as make_for makes them; tomorrow's meals counted per canteen.
    tomorrow = today + timedelta(days=1)
    counts = services.meal_counts(Order.objects.all(), tomorrow)
    assert counts and all(c.canteen.kind == Place.Kind.CANTEEN and c.total for c in counts)
    ahead = Order.objects.filter(day__gt=today)
    assert set(ahead.values_list("state", flat=True)) <= {S.OPEN, S.TAKEN}
    assert not ahead.filter(taken_at__isnull=False, plan__volunteer__isnull=True).exists()
    for order in Order.objects.select_related("plan", "volunteer", "recipient__node"):
        assert order.plan_id and order.kind == order.plan.kind and order.due_at.date() == order.day
        if order.mode == Plan.Mode.DINE_IN:
            assert order.state == S.OPEN and order.volunteer_id is None
        if order.volunteer_id:
            assert order.recipient.node.path.startswith(order.volunteer.node.path)
        if order.day < today:
            assert order.created_at < order.due_at
            for stamp in (order.taken_at, order.done_at, order.confirmed_at, order.cancelled_at):
                assert stamp is None or stamp < ceiling
        if order.state in (S.TAKEN, S.DONE, S.CONFIRMED):
            assert order.volunteer_id and order.taken_at
        if order.state in (S.DONE, S.CONFIRMED):
            assert order.taken_at < order.done_at <= now and order.done_at.date() == order.day
        if order.state == S.CONFIRMED:
            assert order.done_at < order.confirmed_at < ceiling
            assert order.confirmed_by_id or order.recipient.phone
    past = Order.objects.filter(day__lt=today).exclude(mode=Plan.Mode.DINE_IN)
    states = Counter(past.values_list("state", flat=True))
    assert states[S.CONFIRMED] > sum(states.values()) / 2
    assert states[S.DONE] and states[S.TAKEN] and states[S.CANCELLED] == len(with_canteen)
    assert services.missed(Order.objects.filter(day__lt=today), now).count() == states[S.TAKEN]
    late_today = services.missed(Order.objects.filter(day=today), now).count()
    assert late_today <= 2 and (late_today >= 1) == Order.objects.filter(
        day=today, due_at__lt=now).exclude(mode=Plan.Mode.DINE_IN).exists()

    # Hours only for confirmed work: one entry per confirmed order and per checked-in duty.
    entries = list(HoursEntry.objects.all())
    orders = Order.objects.in_bulk([int(e.source.split(":")[1]) for e in entries if e.kind == "order"])
    duties = Duty.objects.select_related("event").in_bulk(
        [int(e.source.split(":")[1]) for e in entries if e.kind == "duty"])
    for entry in entries:
        assert re.fullmatch(r"(order|duty):\d+", entry.source) and entry.source.startswith(entry.kind + ":")
        if entry.kind == "order":
            order = orders[int(entry.source.split(":")[1])]
            assert order.state == S.CONFIRMED and order.volunteer_id == entry.volunteer_id
            assert entry.on == order.day and entry.minutes == order.minutes
        else:
            duty = duties[int(entry.source.split(":")[1])]
            assert duty.state == Duty.State.ATTENDED and duty.volunteer_id == entry.volunteer_id
            assert entry.on == timezone.localdate(duty.event.starts_at) < today
    assert len(orders) == Order.objects.filter(state=S.CONFIRMED).count()
    assert len(duties) == Duty.objects.filter(state=Duty.State.ATTENDED).count()
    for duty in Duty.objects.select_related("event", "volunteer"):
        assert duty.event.node_id == duty.volunteer.node_id and duty.volunteer.active
        assert not duty.event.cancelled_at and duty.created_at < duty.event.starts_at
        if duty.state == Duty.State.ATTENDED:
            assert duty.event.starts_at - timedelta(hours=1) <= duty.checked_in_at < duty.event.ends_at
        else:
            assert duty.state == Duty.State.ASSIGNED and duty.event.starts_at > ceiling

    assert not SmsMessage.objects.exists()  # nobody was texted
    assert not PersonalDataView.objects.exists()


def test_the_demo_communities_gain_volunteers_recipients_plans_orders_and_hours():
    today, now = timezone.localdate(), timezone.now()
    demo, figures = load(today, now)
    check_invariants(demo, today, now)
    assert figures["volunteers"] == Volunteer.objects.count()
    assert figures["recipients"] == Recipient.objects.count() and figures["plans"] == Plan.objects.count()
    assert figures["orders"] == Order.objects.count() and figures["hours"] == HoursEntry.objects.count()
    assert figures["duties"] == Duty.objects.count()
    if Event.objects.filter(starts_at__lt=at(today, time(0, 0)), cancelled_at__isnull=True).exists():
        assert HoursEntry.objects.filter(kind="duty").exists()
    if Event.objects.filter(starts_at__gt=now, cancelled_at__isnull=True).exists():
        assert Duty.objects.filter(state=Duty.State.ASSIGNED).exists()

    # The real services take the demo's rows as they are, and text nobody but whom they should.
    tomorrow = Order.objects.filter(day=today + timedelta(days=1), state=S.OPEN, kind=Kind.MEAL,
                                    mode=Plan.Mode.DELIVERY).select_related("recipient__node").first()
    if tomorrow is not None:
        driver = Team.objects.get(node=tomorrow.canteen.node, name="雷锋车队").members.filter(active=True).first()
        assert services.take(tomorrow, driver).state == S.TAKEN
    waiting = Order.objects.filter(state=S.DONE, day__lt=today).first()
    services.confirm(waiting, by=demo.users["gridworker"])
    assert HoursEntry.objects.get(source=f"order:{waiting.pk}").volunteer_id == waiting.volunteer_id
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(("today", "hour"), [(date(2025, 5, 14), 15), (date(2025, 10, 1), 9),
                                             (date(2025, 6, 30), 12), (date(2025, 9, 28), 20)])
def test_the_invariants_hold_on_any_day_and_hour(today, hour):
    now = at(today, time(hour, 5))
    demo, _figures = load(today, now)
    check_invariants(demo, today, now)


def test_loading_twice_leaves_the_same_counts_and_the_wipe_lets_the_tree_go():
    today, now = timezone.localdate(), timezone.now()
    demo, _figures = load(today, now)
    first = snapshot()
    roots = list(Node.objects.filter(code__in=build.ROOT_CODES, parent__isnull=True))
    PersonalDataView.objects.create(viewer_label="volunteer:1", field="address",
                                    subject=f"care_recipient:{Recipient.objects.first().pk}")
    demo_care.wipe(roots)
    assert not Volunteer.objects.exists() and not Team.objects.exists() and not Recipient.objects.exists()
    assert not Order.objects.exists() and not HoursEntry.objects.exists() and not Duty.objects.exists()
    assert not PersonalDataView.objects.exists()
    assert Event.objects.exists()  # the events stay for events.wipe
    demo_care.build(demo, random.Random(4), today, now)
    assert snapshot() == first

    build.wipe()  # care.wipe inside, before the events, places and tree it points at
    assert not Volunteer.objects.exists() and not Order.objects.exists() and not Node.objects.exists()
