"""demo/deliberation.py on a loaded demo: four communities with a past talk
day (recorded, its items decided, one linked to a request the stories made in
that community, dated just before it), an upcoming council with topics on its
agenda and open topics; the topics' states agree with their items; the demo
keeps its number of requests, a reload the same meetings, and the wipe removes
them."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from appeals.models import Appeal
from deliberation.models import Item, Meeting, Topic
from demo import loader

pytestmark = pytest.mark.django_db
REQUESTS = 80


def meetings_snapshot():
    return sorted((m.node.code, m.kind, m.title, m.attendees, tuple(m.items.values_list("title", "outcome")))
                  for m in Meeting.objects.select_related("node"))


def test_the_demo_holds_talk_days_councils_and_topics_that_agree_with_each_other(settings):
    settings.DEBUG = True  # development: a reload replaces the demo
    loader.load(password="demo", requests=REQUESTS)
    assert Appeal.objects.count() == REQUESTS  # linked, not made
    now, today = timezone.now(), timezone.localdate()
    past = list(Meeting.objects.filter(kind=Meeting.Kind.TALK_DAY).select_related("node"))
    coming = list(Meeting.objects.filter(kind=Meeting.Kind.COUNCIL).select_related("node"))
    assert len(past) == len(coming) == 4 and {m.node_id for m in past} == {m.node_id for m in coming}
    for meeting in past:
        assert meeting.ends_at < now and meeting.held_at and meeting.ends_at <= meeting.held_at < now
        assert 18 <= meeting.attendees <= 45 and "社区" in meeting.minutes and meeting.participants
        outcomes = list(meeting.items.values_list("outcome", flat=True))
        assert 2 <= len(outcomes) <= 4 and Item.Outcome.PENDING not in outcomes
        assert {Item.Outcome.AGREED, Item.Outcome.DEFERRED} <= set(outcomes)
        for title in meeting.items.values_list("title", flat=True):
            assert title in meeting.minutes
    for meeting in coming:
        assert timezone.localtime(meeting.starts_at).date() > today and meeting.held_at is None
        assert meeting.items.exists() and set(meeting.items.values_list("outcome", flat=True)) == {"pending"}

    referred = list(Item.objects.filter(outcome=Item.Outcome.REFERRED).select_related("appeal", "meeting__node"))
    assert len(referred) >= 2
    for item in referred:
        appeal = item.appeal
        assert appeal.node_path.startswith(item.meeting.node.path) and item.title == appeal.title
        assert item.meeting.starts_at < appeal.created_at  # the request came out of the meeting

    # Every topic's state is what its items say.
    for topic in Topic.objects.prefetch_related("items"):
        assert re.fullmatch(r"1390003\d{4}", topic.raised_phone) and topic.created_at < now
        last = sorted(topic.items.all(), key=lambda i: i.meeting.starts_at)[-1:] or [None]
        expected = {None: Topic.State.OPEN, Item.Outcome.PENDING: Topic.State.ON_AGENDA,
                    Item.Outcome.AGREED: Topic.State.DECIDED, Item.Outcome.REJECTED: Topic.State.DROPPED,
                    Item.Outcome.DEFERRED: Topic.State.OPEN}[last[0] and last[0].outcome]
        assert topic.state == expected, (topic.title, topic.state, last)
    assert Topic.objects.filter(state=Topic.State.OPEN, items=None).count() >= 8  # raised lately, not yet on one

    before = meetings_snapshot()
    loader.load(password="demo", requests=REQUESTS)
    assert meetings_snapshot() == before
    loader.wipe()
    assert not Meeting.objects.exists() and not Topic.objects.exists() and not Item.objects.exists()
