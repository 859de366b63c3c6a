"""Volunteers beside the shared cast (conftest.Cast): two volunteers of 花城社区,
one of the other city, the community's organiser, a settable clock and events
to put them on duty at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from appeals.tests.actions._support import Clock, at
from events.models import Event
from organisations.models import Role
from volunteers.models import Volunteer


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def organiser(cast):
    user = get_user_model().objects.create_user("volorganiser", password="x", first_name="李慧")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    return user


@pytest.fixture
def helper(cast) -> Volunteer:
    return Volunteer.objects.create(node=cast.community, name="张建国", phone="13899990001")


@pytest.fixture
def second_helper(cast) -> Volunteer:
    return Volunteer.objects.create(node=cast.community, name="李红梅", phone="13899990002")


@pytest.fixture
def far_helper(cast) -> Volunteer:
    return Volunteer.objects.create(node=cast.other_community, name="赵磊", phone="13899990003")


@pytest.fixture
def make_event(cast):
    """An event of 花城社区 starting at `starts` ("2026-06-06 09:00", the county's clock) for `minutes`."""

    def make(starts: str = "2026-06-06 09:00", minutes: int = 150, **extra) -> Event:
        begin = at(starts)
        fields = {"node": cast.community, "title": "邻里文化节", "starts_at": begin,
                  "ends_at": begin + timedelta(minutes=minutes), "capacity": None, **extra}
        return Event.objects.create(**fields)

    return make
