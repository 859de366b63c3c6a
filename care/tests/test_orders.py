"""A care order from open to confirmed as its people live it: a volunteer
takes it, does it and says so, the recipient confirms with the link texted to
them and only then are the hours earned; releasing, cancelling, the orders
missed and their reminder, and the canteen's meal counts."""

from __future__ import annotations

from datetime import date, time

import pytest

from appeals.errors import ActionError, Forbidden, Invalid, WrongState
from care import services
from care.models import Kind, Order, Plan, Recipient
from notifications.models import SmsMessage
from volunteers.models import HoursEntry, Volunteer

pytestmark = pytest.mark.django_db
S = Order.State
T = SmsMessage.Template
DAY = date(2026, 6, 3)  # a Wednesday


@pytest.fixture(autouse=True)
def morning(clock):
    clock.set("2026-06-03 09:00")
    return clock


def texts(template: str) -> list[SmsMessage]:
    return list(SmsMessage.objects.filter(template=template).order_by("id"))


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def done_order(make_order, volunteer, **fields) -> Order:
    order = make_order(**fields)
    services.take(order, volunteer)
    return services.done(order, volunteer)


# --- Taking, doing, confirming ------------------------------------------------------------

def test_take_done_confirm_earns_the_orders_minutes_exactly_once(make_order, volunteer, cast):
    order = make_order(kind=Kind.CLEANING, at=time(16, 0))
    assert order.minutes == 120 and order.state == S.OPEN
    services.take(order, volunteer)
    assert (fresh(order).state, fresh(order).volunteer_id) == (S.TAKEN, volunteer.pk)
    services.done(order, volunteer)
    assert fresh(order).state == S.DONE and fresh(order).done_at is not None
    assert not HoursEntry.objects.exists()  # said done is not confirmed
    services.confirm(order)
    order = fresh(order)
    assert order.state == S.CONFIRMED and order.confirmed_at is not None and order.confirmed_by is None
    (entry,) = HoursEntry.objects.all()
    assert (entry.volunteer_id, entry.minutes, entry.on, entry.kind, entry.source, entry.confirmed_by) == (
        volunteer.pk, 120, DAY, HoursEntry.Kind.ORDER, f"order:{order.pk}", None)
    with pytest.raises(WrongState):
        services.confirm(order)
    with pytest.raises(WrongState):
        services.confirm(order, by=cast.grid_worker)  # nor on the recipient's behalf
    assert HoursEntry.objects.count() == 1 and HoursEntry.objects.get().minutes == 120


def test_the_grid_worker_confirms_on_the_recipients_behalf_and_is_recorded(make_order, volunteer, cast):
    order = done_order(make_order, volunteer, kind=Kind.VISIT)
    services.confirm(order, by=cast.grid_worker)
    assert fresh(order).confirmed_by == cast.grid_worker
    entry = HoursEntry.objects.get()
    assert entry.confirmed_by == cast.grid_worker and entry.minutes == 60


def test_an_order_not_taken_cannot_be_marked_done(make_order, volunteer):
    order = make_order()
    with pytest.raises(ActionError):
        services.done(order, volunteer)
    assert fresh(order).state == S.OPEN and not texts(T.CARE_DONE)
    with pytest.raises(WrongState):
        services.confirm(order)  # nothing done, nothing to confirm
    assert not HoursEntry.objects.exists()


def test_an_order_for_tomorrow_is_not_done_today(make_order, volunteer):
    order = make_order(day=date(2026, 6, 4))
    services.take(order, volunteer)
    with pytest.raises(WrongState):
        services.done(order, volunteer)
    assert fresh(order).state == S.TAKEN


def test_a_volunteer_of_another_community_or_no_longer_active_cannot_take(make_order, far_volunteer, cast):
    order = make_order()
    with pytest.raises(Forbidden):
        services.take(order, far_volunteer)
    left = Volunteer.objects.create(node=cast.community, name="周晓", phone="13899990009", active=False)
    with pytest.raises(Forbidden):
        services.take(order, left)
    assert fresh(order).state == S.OPEN and fresh(order).volunteer is None


def test_a_volunteer_of_the_compound_may_take_an_order_of_the_compound(make_order, cast):
    near = Volunteer.objects.create(node=cast.compound, name="孙丽", phone="13899990008")
    assert services.take(make_order(), near).volunteer_id == near.pk


def test_another_volunteer_cannot_take_do_or_give_back_someone_elses_order(make_order, volunteer, other_volunteer):
    order = make_order()
    services.take(order, volunteer)
    with pytest.raises(WrongState) as taken:
        services.take(order, other_volunteer)
    assert taken.value.code == "taken"
    with pytest.raises(Forbidden):
        services.done(order, other_volunteer)
    with pytest.raises(Forbidden):
        services.release(order, other_volunteer)
    assert (fresh(order).state, fresh(order).volunteer_id) == (S.TAKEN, volunteer.pk)
    assert services.take(order, volunteer).state == S.TAKEN  # taking one's own again is harmless


def test_a_meal_eaten_at_the_canteen_is_taken_by_no_volunteer(make_order, volunteer):
    order = make_order(mode=Plan.Mode.DINE_IN)
    with pytest.raises(WrongState):
        services.take(order, volunteer)
    assert fresh(order).state == S.OPEN


def test_releasing_puts_the_order_back_for_anyone(make_order, volunteer, other_volunteer):
    order = make_order()
    services.take(order, volunteer)
    services.release(order, volunteer)
    order = fresh(order)
    assert (order.state, order.volunteer) == (S.OPEN, None)
    assert services.take(order, other_volunteer).volunteer_id == other_volunteer.pk


def test_staff_assigning_tells_the_volunteer_with_their_link(make_order, volunteer):
    from volunteers.services import private_path

    order = make_order()
    services.assign(order, volunteer, actor=None)
    assert fresh(order).volunteer_id == volunteer.pk
    (told,) = texts(T.CARE_ASSIGNED)
    assert told.phone == volunteer.phone and told.params["link"].endswith(private_path(volunteer))


def test_giving_a_taken_order_to_someone_else_tells_the_volunteer_who_had_it(make_order, volunteer,
                                                                             other_volunteer, staff):
    order = make_order()
    services.take(order, volunteer)
    services.assign(order, other_volunteer, actor=staff)
    assert fresh(order).volunteer_id == other_volunteer.pk
    assert SmsMessage.objects.filter(phone=volunteer.phone).exists()


# --- Cancelling ------------------------------------------------------------------------

def test_cancelling_a_taken_order_tells_its_volunteer(make_order, volunteer, staff):
    order = make_order()
    services.take(order, volunteer)
    services.cancel(order, actor=staff)
    assert fresh(order).state == S.CANCELLED and fresh(order).cancelled_at is not None
    (told,) = texts(T.CARE_CANCELLED)
    assert told.phone == volunteer.phone and told.params["when"] == "06-03 11:30"
    untaken = make_order(day=date(2026, 6, 4))
    services.cancel(untaken, actor=staff)
    assert len(texts(T.CARE_CANCELLED)) == 1  # nobody to tell
    with pytest.raises(WrongState):
        services.take(order, volunteer)  # cancelled stays cancelled


def test_a_done_order_cannot_be_cancelled(make_order, volunteer, staff):
    order = done_order(make_order, volunteer)
    with pytest.raises(WrongState):
        services.cancel(order, actor=staff)
    assert fresh(order).state == S.DONE and not texts(T.CARE_CANCELLED)


# --- The recipient's link -----------------------------------------------------------------------

def test_done_texts_the_recipient_a_link_that_confirms_this_order(make_order, volunteer, recipient):
    order = done_order(make_order, volunteer)
    (told,) = texts(T.CARE_DONE)
    assert told.phone == recipient.phone and told.params["volunteer"] == volunteer.name
    assert told.params["link"].endswith(services.private_path(order))
    token = told.params["link"].rstrip("/").rsplit("/", 1)[1]
    assert services.token_matches(order, token)


def test_a_recipient_without_a_phone_gets_no_text_and_the_grid_worker_confirms(make_order, volunteer,
                                                                                recipient_without_phone, cast):
    order = done_order(make_order, volunteer, who=recipient_without_phone)
    assert fresh(order).state == S.DONE and not texts(T.CARE_DONE)
    services.confirm(order, by=cast.grid_worker)
    assert HoursEntry.objects.get().volunteer_id == volunteer.pk


def test_only_the_orders_own_token_matches(make_order):
    order, other = make_order(), make_order(day=date(2026, 6, 4))
    token = services.token_for(order)
    assert services.token_matches(order, token)
    assert not services.token_matches(other, token)
    assert services.token_for(other) != token
    changed = ("a" if token[0] != "a" else "b") + token[1:]
    for wrong in (changed, token.upper(), token[:-1], token + "a", "", None, 12345, "é" * 24):
        assert not services.token_matches(order, wrong), wrong


# --- Missed orders and their reminder ------------------------------------------------------------

def test_an_order_past_its_time_and_not_done_is_missed_a_done_one_or_a_meal_eaten_there_never(
        make_order, volunteer, clock, recipient_without_phone):
    taken = make_order()
    services.take(taken, volunteer)
    untaken = make_order(kind=Kind.VISIT)
    finished = done_order(make_order, volunteer, kind=Kind.CLEANING)
    eaten_there = make_order(mode=Plan.Mode.DINE_IN, who=recipient_without_phone)
    later = make_order(kind=Kind.REPAIRS, at=time(17, 0))
    everything = Order.objects.all()
    assert not services.missed(everything).exists()  # 09:00: nothing is due yet
    now = clock.set("2026-06-03 12:00")
    assert set(services.missed(everything)) == {taken, untaken}
    assert [fresh(o).missed(now) for o in (taken, untaken, finished, eaten_there, later)] == [
        True, True, False, False, False]


def test_the_volunteer_is_reminded_once_of_todays_missed_order(make_order, volunteer, other_volunteer, clock):
    clock.set("2026-06-02 09:00")
    yesterdays = make_order(day=date(2026, 6, 2))
    services.take(yesterdays, other_volunteer)
    clock.set("2026-06-03 09:00")
    late = make_order()
    services.take(late, volunteer)
    make_order(kind=Kind.VISIT)  # open, taken by nobody: nobody to remind
    not_yet = make_order(kind=Kind.REPAIRS, at=time(17, 0))
    services.take(not_yet, volunteer)
    clock.set("2026-06-03 12:00")
    assert services.remind_missed() == 1
    (reminder,) = texts(T.CARE_MISSED)
    assert reminder.phone == volunteer.phone and reminder.params["when"] == "06-03 11:30"
    assert services.remind_missed() == 0  # once
    assert len(texts(T.CARE_MISSED)) == 1
    assert fresh(late).reminded_at is not None and fresh(yesterdays).reminded_at is None


# --- The canteen's meal count ---------------------------------------------------------------

def test_meal_counts_count_each_canteens_meals_of_the_day_by_way_and_diet(
        make_order, recipient, recipient_without_phone, canteen, other_canteen, cast, staff):
    plain = Recipient.objects.create(node=cast.compound, name="刘奶奶", address="1号楼", category="elderly")
    make_order(who=recipient)  # 幸福食堂, delivered, low salt
    make_order(who=recipient_without_phone, mode=Plan.Mode.DINE_IN)  # 幸福食堂, eaten there, halal
    make_order(who=plain, mode=Plan.Mode.DINE_IN)  # 幸福食堂, eaten there, ordinary
    make_order(who=plain, canteen=other_canteen, at=time(17, 30))  # 长者食堂, delivered (supper), ordinary
    services.cancel(make_order(who=plain, canteen=other_canteen), actor=staff)  # cancelled: not cooked
    make_order(who=recipient, day=date(2026, 6, 4))  # tomorrow
    make_order(who=recipient, kind=Kind.VISIT)  # not a meal
    happy, elders = services.meal_counts(Order.objects.all(), DAY)
    assert (happy.canteen, elders.canteen) == (canteen, other_canteen)
    assert (happy.dine_in, happy.delivery, happy.total) == (2, 1, 3)
    assert (elders.dine_in, elders.delivery, elders.total) == (0, 1, 1)
    label = {d: str(d.label) for d in Recipient.Diet}
    assert dict(happy.diets) == {label[Recipient.Diet.LOW_SALT]: [0, 1], label[Recipient.Diet.HALAL]: [1, 0],
                                 label[Recipient.Diet.NORMAL]: [1, 0]}
    assert happy.rows() == sorted(happy.rows()) and len(happy.rows()) == 3
    assert dict(elders.diets) == {label[Recipient.Diet.NORMAL]: [0, 1]}
    assert [c.total for c in services.meal_counts(Order.objects.all(), date(2026, 6, 4))] == [1]


# --- One-off orders ------------------------------------------------------------------------------

def test_a_one_off_order_cannot_be_made_for_a_time_gone_or_a_meal_without_canteen(recipient, staff):
    with pytest.raises(Invalid) as refused:
        services.new_order(recipient, kind=Kind.MEAL, day=DAY, at=time(8, 0), actor=staff)
    assert {field for field, _detail in refused.value.errors} == {"canteen", "day"}
    assert not Order.objects.exists()
