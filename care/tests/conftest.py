"""Care beside the shared cast (conftest.Cast): a canteen of 花城社区, a
recipient living in 花城小区, volunteers of the community and of the other
city, community staff, a settable clock and factories for plans and orders."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.auth import get_user_model

from appeals.tests.actions._support import Clock
from care import services
from care.models import Kind, Order, Plan, Recipient
from organisations.models import Role
from places.models import Hours, Place
from volunteers.models import Volunteer

LUNCH = (time(11, 0), time(13, 30))


def open_on(place: Place, days=range(7), period=LUNCH) -> None:
    """Weekly opening rows (0 = Monday) for `place`."""
    Hours.objects.bulk_create([Hours(place=place, day=d, opens=period[0], closes=period[1]) for d in days])


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def canteen(cast) -> Place:
    """幸福食堂: lunch every day of the week, public holidays as usual."""
    place = Place.objects.create(name="幸福食堂", kind=Place.Kind.CANTEEN, node=cast.community, address="花城路1号",
                                 lat=44.189, lng=86.900)
    open_on(place)
    return place


@pytest.fixture
def other_canteen(cast) -> Place:
    place = Place.objects.create(name="长者食堂", kind=Place.Kind.CANTEEN, node=cast.community, address="花城路9号",
                                 lat=44.190, lng=86.902)
    open_on(place)
    return place


@pytest.fixture
def staff(cast):
    user = get_user_model().objects.create_user("carestaff", password="x", first_name="李慧")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    return user


@pytest.fixture
def recipient(cast) -> Recipient:
    return Recipient.objects.create(node=cast.compound, name="王秀兰", phone="13899912345",
                                    address="花城小区3号楼2单元", category=Recipient.Category.ALONE,
                                    diet=Recipient.Diet.LOW_SALT)


@pytest.fixture
def recipient_without_phone(cast) -> Recipient:
    return Recipient.objects.create(node=cast.compound, name="马大爷", address="花城小区5号楼",
                                    category=Recipient.Category.ELDERLY, diet=Recipient.Diet.HALAL)


@pytest.fixture
def volunteer(cast) -> Volunteer:
    return Volunteer.objects.create(node=cast.community, name="张建国", phone="13899990001")


@pytest.fixture
def other_volunteer(cast) -> Volunteer:
    return Volunteer.objects.create(node=cast.community, name="李红梅", phone="13899990002")


@pytest.fixture
def far_volunteer(cast) -> Volunteer:
    """A volunteer of 北京南路社区, in the other city."""
    return Volunteer.objects.create(node=cast.other_community, name="赵磊", phone="13899990003")


@pytest.fixture
def make_plan(recipient, canteen):
    """A plan for `recipient`: by default a delivered lunch from the canteen every day from 2026-06-01."""

    def make(**fields) -> Plan:
        values = {"recipient": recipient, "kind": Kind.MEAL, "canteen": canteen, "mode": Plan.Mode.DELIVERY,
                  "days": Plan.Days.DAILY, "skip_holidays": False, "starts_on": date(2026, 6, 1)}
        values.update(fields)
        if values["kind"] != Kind.MEAL and "canteen" not in fields:
            values["canteen"] = None
        plan = Plan(**values)
        plan.full_clean()
        plan.save()
        return plan

    return make


@pytest.fixture
def make_order(recipient, canteen, staff):
    """A one-off order made by community staff (services.new_order: its time must be ahead of the clock)."""

    def make(day=date(2026, 6, 3), at=time(11, 30), kind=Kind.MEAL, who=None, **extra) -> Order:
        if kind == Kind.MEAL:
            extra.setdefault("canteen", canteen)
        return services.new_order(who or recipient, kind=kind, day=day, at=at, actor=staff, **extra)

    return make
