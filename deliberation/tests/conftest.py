from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from deliberation.models import Item, Meeting, Topic
from organisations.models import Role


@pytest.fixture
def organiser(cast):
    user = get_user_model().objects.create_user("talkstaff", password="pw", first_name="李慧")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    return user


@pytest.fixture
def other_organiser(cast):
    user = get_user_model().objects.create_user("othertalkstaff", password="pw")
    Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.other_community)
    return user


@pytest.fixture
def make_meeting(cast):
    def make(hours=-1, **extra):
        """A meeting of 花城社区 starting `hours` from now (negative: begun already)."""
        starts = timezone.now() + timedelta(hours=hours)
        fields = {"node": cast.community, "kind": Meeting.Kind.TALK_DAY, "title": "六月居民恳谈日",
                  "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                  "location": "花城社区党群服务中心二楼会议室", **extra}
        return Meeting.objects.create(**fields)

    return make


@pytest.fixture
def make_topic(cast):
    def make(**extra):
        fields = {"node": cast.community, "title": "小区夜间停车难", "raised_by_name": "王秀兰",
                  "raised_phone": "13900031234", "description": "晚上八点以后车位全满，消防通道也被占了。", **extra}
        return Topic.objects.create(**fields)

    return make


@pytest.fixture
def on_agenda(make_meeting, make_topic):
    """A begun meeting with a resident's topic on its agenda: (meeting, item)."""
    meeting = make_meeting()
    topic = make_topic(state=Topic.State.ON_AGENDA)
    item = Item.objects.create(meeting=meeting, topic=topic, title=topic.title, order=1)
    return meeting, item
