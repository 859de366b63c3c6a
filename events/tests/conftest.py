from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Event
from organisations.models import Role


@pytest.fixture
def organiser(cast):
    user = get_user_model().objects.create_user("organiser", password="x", first_name="李慧")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    return user


@pytest.fixture
def other_organiser(cast):
    user = get_user_model().objects.create_user("otherorganiser", password="x")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.other_community)
    return user


@pytest.fixture
def make_event(cast):
    def make(capacity=2, days=3, **extra):
        starts = timezone.now() + timedelta(days=days)
        fields = {"node": cast.community, "title": "邻里文化节·包饺子", "starts_at": starts,
                  "ends_at": starts + timedelta(hours=2), "capacity": capacity, **extra}
        return Event.objects.create(**fields)

    return make
