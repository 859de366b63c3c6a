"""Moving a community to another town (or changing a node's code) keeps every
request, role and unit jurisdiction in the right place, in the same
transaction, and every role's view follows at once."""

from __future__ import annotations

from django.test import Client

from appeals import services
from appeals.access import visible_appeals
from appeals.models import Appeal, AppealEvent, Status
from appeals.tests.actions._support import member
from appeals.tests.api import api_client
from hubiying import refdata
from organisations.models import Node
from organisations.tree import tree

S = Status


def sees(cast, who: str, appeal: Appeal) -> bool:
    return visible_appeals(member(cast, who)).filter(pk=appeal.pk).exists()


def in_queue(cast, who: str, appeal: Appeal) -> bool:
    client = Client()
    client.force_login(getattr(cast, who))
    return appeal.tracking_no in client.get("/work/?tab=open").content.decode()


def test_a_community_moved_to_another_town_takes_its_requests_along(cast):
    waiting = cast.appeal_in(S.REGISTERED)  # in 花城小区, dispatched from 呼图壁镇
    handled = cast.appeal_in(S.SIGNED)
    escalated_version = handled.version
    assert sees(cast, "dispatcher", waiting) and not sees(cast, "other_dispatcher", waiting)

    community = Node.objects.get(pk=cast.community.pk)
    community.parent = cast.other_town  # 花城社区 now belongs to 延安北路街道 (昌吉市)
    community.save()

    for appeal in (waiting, handled):
        appeal.refresh_from_db()
        assert appeal.node_path == "/CJ/CJ-YA/HTB-Z-HC/HTB-Z-HC-G1/HTB-Z-HC-G1-C1/"
        assert appeal.owner_node == cast.other_town and appeal.owner_path == "/CJ/CJ-YA/"
    assert handled.version > escalated_version  # an action read before the move retries
    event = AppealEvent.objects.get(appeal=waiting, action="reassign")
    assert not event.public and "延安北路街道" in event.note
    # The grid and compound below it moved too.
    assert Node.objects.get(pk=cast.compound.pk).path.startswith("/CJ/CJ-YA/HTB-Z-HC/")

    # Every role's view, at once.
    assert not sees(cast, "dispatcher", waiting) and sees(cast, "other_dispatcher", waiting)
    assert "register" not in services.allowed_actions(waiting, member(cast, "dispatcher"))
    assert "dispatch" in services.allowed_actions(waiting, member(cast, "other_dispatcher"))
    assert sees(cast, "grid_worker", waiting)  # the grid moved with its community
    assert sees(cast, "handler", handled)  # the unit's work is the unit's wherever it lies
    assert not sees(cast, "supervisor", waiting) and not sees(cast, "leader", waiting)  # 呼图壁县's
    assert in_queue(cast, "other_dispatcher", waiting) and not in_queue(cast, "dispatcher", waiting)
    listed = api_client(cast.other_dispatcher).get("/api/v1/appeals").json()["results"]
    assert waiting.tracking_no in {row["tracking_no"] for row in listed}
    # The community's unit still serves the community (its jurisdiction names the node).
    assert list(cast.community_unit.jurisdiction.all()) == [community]


def test_a_new_request_lands_in_the_new_town_at_once(cast):
    assert tree().get("HTB-Z-HC").path == "/HTB/HTB-Z/HTB-Z-HC/"
    community = Node.objects.get(pk=cast.community.pk)
    community.parent = cast.other_town
    community.save()
    appeal = cast.submit(community="HTB-Z-HC")
    assert appeal.owner_node == cast.other_town and appeal.node_path.startswith("/CJ/CJ-YA/HTB-Z-HC/")


def test_changing_a_nodes_code_rewrites_the_paths_of_its_requests(cast):
    appeal = cast.appeal_in(S.DISPATCHED)
    town = Node.objects.get(pk=cast.town.pk)
    town.code = "HTB-HTBZ"
    town.save()
    appeal.refresh_from_db()
    assert appeal.owner_path == "/HTB/HTB-HTBZ/" and appeal.node_path.startswith("/HTB/HTB-HTBZ/HTB-Z-HC/")
    assert appeal.owner_node == cast.town  # still the same town
    assert sees(cast, "dispatcher", appeal) and "merge" in services.allowed_actions(appeal, member(cast, "dispatcher"))
    assert not AppealEvent.objects.filter(action="reassign").exists()


def test_another_process_sees_the_move_within_a_second(cast, monkeypatch):
    """Each process keeps the tree; an edit committed elsewhere bumps its generation in
    the shared cache, which every process checks at most once a second."""
    from django.core.cache import cache

    clock = [1000.0]
    monkeypatch.setattr(refdata.time, "monotonic", lambda: clock[0])
    assert tree().get("HTB-Z-HC").path == "/HTB/HTB-Z/HTB-Z-HC/"
    # Another process moves the community: the rows change and the generation is bumped,
    # but this process's signals never fire.
    Node.objects.filter(pk=cast.community.pk).update(path="/CJ/CJ-YA/HTB-Z-HC/", parent=cast.other_town)
    key = "refdata:organisations.tree._load"
    cache.set(key, (cache.get(key) or 0) + 1, timeout=None)
    assert tree().get("HTB-Z-HC").path == "/HTB/HTB-Z/HTB-Z-HC/"  # checked less than a second ago
    clock[0] += 1.5
    assert tree().get("HTB-Z-HC").path == "/CJ/CJ-YA/HTB-Z-HC/"
