"""Two organisers acting on one topic or one item at once: one wins, the other
is refused (409), and an item never becomes two requests. Real concurrent
PostgreSQL connections (SQLite serialises writers), as
appeals/tests/test_concurrency_pg.py."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from appeals.models import Appeal
from appeals.tests.test_concurrency_pg import one_winner, race
from deliberation import services
from deliberation.models import Item, Topic

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent connections: set DATABASE_URL to a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_two_organisers_making_one_item_into_a_request_make_one(organiser, on_agenda):
    _meeting, item = on_agenda
    data = {"category": "SZ-LD", "address": "花城小区南门"}
    results = race(*[(lambda: services.refer(item, fresh(organiser), data)) for _ in range(3)])
    one_winner([(v, e) for v, e in results])
    assert Appeal.objects.count() == 1
    item.refresh_from_db()
    assert item.outcome == Item.Outcome.REFERRED and item.appeal == Appeal.objects.get()


def test_one_topic_put_on_two_agendas_at_once_goes_on_one(organiser, make_meeting, make_topic):
    first, second = make_meeting(hours=24), make_meeting(hours=48, title="七月居民恳谈日")
    topic = make_topic()
    results = race(lambda: services.add_item(first, actor=fresh(organiser), topic=topic),
                   lambda: services.add_item(second, actor=fresh(organiser), topic=topic))
    one_winner(results)
    assert Item.objects.filter(topic=topic).count() == 1
    assert Topic.objects.get(pk=topic.pk).state == Topic.State.ON_AGENDA


def test_two_decisions_on_one_item_at_once_one_stands(organiser, on_agenda):
    _meeting, item = on_agenda
    winner = one_winner(race(
        lambda: services.decide(item, actor=fresh(organiser), outcome="agreed", decision="同意"),
        lambda: services.decide(item, actor=fresh(organiser), outcome="rejected", decision="不同意")))
    item.refresh_from_db()
    topic = Topic.objects.get(pk=item.topic_id)
    expected = [("agreed", Topic.State.DECIDED), ("rejected", Topic.State.DROPPED)][winner]
    assert (item.outcome, topic.state) == expected
