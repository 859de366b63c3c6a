"""manage.py load_demo: the demo county, its accounts and ~500 requests made
through the real services; reloading gives the same demo."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from appeals.models import Appeal, AppealEvent, Category, Status
from notifications.models import Notification
from organisations.models import Node, Role, Unit

NAMED = ["resident", "gridworker", "handler", "dispatcher", "supervisor", "leader", "outsider", "admin"]


def load_demo(*args, **options) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    """What a second load must reproduce exactly."""
    return {
        "statuses": Counter(Appeal.objects.values_list("status", flat=True)),
        "requests": sorted(Appeal.objects.values_list("title", "status", "category__code", "channel")),
        "events": Counter(AppealEvent.objects.values_list("action", flat=True)),
        "accounts": sorted(get_user_model().objects.values_list("username", flat=True)),
        "roles": Role.objects.count(),
        "nodes": sorted(Node.objects.values_list("path", flat=True)),
        "units": sorted(Unit.objects.values_list("code", flat=True)),
        "categories": Category.objects.count(),
        "notifications": Notification.objects.count(),
    }


def role_of(username: str) -> Role:
    return Role.objects.select_related("node", "unit").get(user__username=username)


def test_load_demo_builds_the_county_with_500_requests_and_a_reload_gives_the_same_demo(db, settings):
    settings.DEBUG = True  # development: a reload replaces the demo
    output = load_demo()
    assert "500 requests" in output

    # The places of the article.
    town = Node.objects.get(name="呼图壁镇")
    assert town.parent.name == "呼图壁县" and town.code == "HTB-HTBZ"
    assert Node.objects.get(name="花城社区").parent == town
    assert Node.objects.get(name="美华社区").parent == town
    subdistrict = Node.objects.get(name="延安北路街道")
    assert subdistrict.parent.name == "昌吉市"
    assert subdistrict.children.filter(kind=Node.Kind.COMMUNITY).count() == 6
    for compound in Node.objects.filter(kind=Node.Kind.COMPOUND, path__startswith="/HTB/"):
        assert abs(compound.lat - 44.19) < 0.05 and abs(compound.lng - 86.90) < 0.05
    assert Unit.objects.filter(kind=Unit.Kind.PROPERTY).first().jurisdiction.filter(kind="compound").exists()

    # The accounts work with the demo password and hold the roles the README lists.
    for username in NAMED:
        assert authenticate(username=username, password="demo") is not None, username
    assert get_user_model().objects.get(username="admin").is_superuser
    assert role_of("gridworker").node.parent.name == "花城社区"
    assert role_of("handler").unit.name == "花城社区居委会"
    assert role_of("dispatcher").node == town
    assert role_of("supervisor").node.name == "呼图壁县"
    assert role_of("leader").node.name == "呼图壁县"
    assert role_of("outsider").unit.jurisdiction.get().parent == subdistrict

    # About 500 requests in every state, of every kind.
    appeals = Appeal.objects.all()
    assert appeals.count() == 500
    assert set(appeals.values_list("status", flat=True)) == set(Status.values)
    assert set(appeals.values_list("category__code", flat=True)) == set(
        Category.objects.filter(parent__isnull=False).values_list("code", flat=True))
    assert set(appeals.values_list("type", flat=True)) == set(Appeal.Type.values)
    assert set(appeals.values_list("urgency", flat=True)) == set(Appeal.Urgency.values)
    assert set(appeals.values_list("channel", flat=True)) == set(Appeal.Channel.values)
    assert appeals.filter(anonymous=True).exists()
    assert appeals.filter(pending_extension_days__isnull=False).exists()
    assert appeals.filter(extension_count__gt=0).exists()
    assert appeals.filter(supervised=True).exists()
    assert appeals.filter(submitted_by__username="resident").count() >= 10
    assert appeals.filter(unit__name="花城社区居委会", status__in=["dispatched", "signed", "in_progress"]).exists()
    assert appeals.overdue().exists()
    assert AppealEvent.objects.filter(action="urge").exists()
    assert AppealEvent.objects.filter(action="reply", data__on_the_spot=True).exists()  # 即接即办
    assert appeals.filter(created_at__lt=timezone.now() - timezone.timedelta(days=60)).exists()

    # Every timeline is genuine: it starts with "submit" and runs forward in time, in the past.
    now = timezone.now()
    timelines: dict[int, list] = {}
    for appeal_id, action, at in AppealEvent.objects.order_by("appeal_id", "at", "id").values_list(
        "appeal_id", "action", "at"
    ):
        timelines.setdefault(appeal_id, []).append((action, at))
    assert len(timelines) == 500
    for events in timelines.values():
        assert events[0][0] == "submit"
        assert events[-1][1] <= now
    assert Notification.objects.filter(user__username="handler").exists()

    first = snapshot()
    load_demo()
    assert snapshot() == first

    ids = set(appeals.values_list("pk", flat=True))
    assert "not loaded" in load_demo("--if-empty")
    assert snapshot() == first
    assert set(Appeal.objects.values_list("pk", flat=True)) == ids


def test_load_demo_if_empty_loads_an_empty_database(db):
    load_demo("--if-empty", requests=30)
    assert Node.objects.filter(code="HTB-HTBZ-HC").exists()
    assert Appeal.objects.count() == 30


def test_load_demo_if_empty_leaves_an_existing_tree_alone(cast):
    nodes = Node.objects.count()
    output = load_demo("--if-empty")
    assert "not loaded" in output
    assert Node.objects.count() == nodes
    assert Appeal.objects.count() == 0


def test_the_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("HUBIYING_DEMO_PASSWORD", "huxiang-2024")
    load_demo(requests=30)
    assert authenticate(username="dispatcher", password="huxiang-2024") is not None
    assert authenticate(username="dispatcher", password="demo") is None


def test_load_demo_refuses_a_nonsense_request_count(db):
    with pytest.raises(CommandError):
        load_demo(requests=3)
    assert not Node.objects.exists()


def test_with_production_settings_a_loaded_demo_is_not_replaced_unless_forced(db, settings):
    settings.DEBUG = False
    load_demo(requests=30)  # an empty database: nothing to delete
    first = snapshot()
    with pytest.raises(CommandError, match="production settings"):
        load_demo(requests=30)
    assert snapshot() == first
    load_demo("--force", requests=30)
    assert Appeal.objects.count() == 30


def test_beside_a_real_countys_data_nothing_is_deleted_unless_forced(cast, settings):
    settings.DEBUG = True
    real = cast.appeal_in(Status.DISPATCHED)
    before = (Node.objects.count(), Role.objects.count(), Appeal.objects.count())
    with pytest.raises(CommandError, match="not the demo's") as refused:
        load_demo(requests=30)
    assert "dispatcher" in str(refused.value) or "accounts" in str(refused.value)
    assert (Node.objects.count(), Role.objects.count(), Appeal.objects.count()) == before
    assert Appeal.objects.filter(pk=real.pk).exists()


def test_a_forced_reload_never_deletes_a_real_persons_role(db, settings):
    settings.DEBUG = True
    load_demo(requests=30)
    officer = get_user_model().objects.create_user("wangfang", password="pw")
    role = Role.objects.create(user=officer, name=Role.Name.DISPATCHER, node=Node.objects.get(code="HTB-HTBZ"))
    with pytest.raises(CommandError, match="cannot be replaced"):
        load_demo("--force", requests=30)
    assert Role.objects.filter(pk=role.pk).exists()
