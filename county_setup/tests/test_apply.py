"""Applying: a generated county is written in one go, parents after children
in the sheet work, a second import of the same workbook changes nothing, a
changed row updates its match in place, and new people get no password."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from appeals.models import Category, TimeLimit
from county_setup.generate import county_rows, county_workbook
from county_setup.models import StaffPhone
from organisations.models import Node, Role, Unit

from .conftest import book, lines_of, run, snapshot

SMALL = {"towns": 2, "communities": 10, "grids": 50, "units": 20, "people": 60}
ZERO = {"created": 0, "changed": 0, "unchanged": 0, "refused": 0}


def test_a_generated_county_is_applied_and_a_second_import_changes_nothing(cast):
    data = county_workbook(**SMALL)
    first = run(data)
    assert first.applied
    rows = county_rows(**SMALL)
    total = sum(len(v) for v in rows.values())
    assert first.report["counts"]["totals"] == {**ZERO, "created": total}
    assert Node.objects.filter(code__startswith="GEN").count() == 1 + 2 + 10 + 50
    grid = Node.objects.get(code="GEN-T1-C1-G1")
    assert grid.path == "/GEN/GEN-T1/GEN-T1-C1/GEN-T1-C1-G1/" and grid.parent.code == "GEN-T1-C1"
    assert Unit.objects.get(code="GEN-U2").jurisdiction.get().code == "GEN-T2-C1"
    people = get_user_model().objects.filter(username__startswith="gen_p")
    assert people.count() == 60 and not any(p.has_usable_password() for p in people)
    assert len(first.created_users) == 60
    assert Role.objects.filter(user__username="gen_p3").count() == 2  # a dispatcher and a supervisor
    assert StaffPhone.objects.get(user__username="gen_p1").phone == "13900000000"
    assert Category.objects.get(code="GEN-K1-2").parent.code == "GEN-K1"
    assert TimeLimit.objects.get(step="sign", category__code="GEN-K1").amount == Decimal("4.50")

    before = snapshot()
    again = run(data)
    assert again.applied and again.created_users == []
    assert again.report["counts"]["totals"] == {**ZERO, "unchanged": total}
    assert snapshot() == before


def test_children_may_come_before_their_parents_in_the_sheet(cast):
    data = book(nodes=[
        {"code": "HTB-N-C-G", "name": "新网格", "kind": "网格", "parent": "HTB-N-C"},
        {"code": "HTB-N-C", "name": "新社区", "kind": "社区/村", "parent": "HTB-N"},
        {"code": "HTB-N", "name": "新镇", "kind": "镇/街道", "parent": "HTB"},
    ])
    assert run(data).applied
    assert Node.objects.get(code="HTB-N-C-G").path == "/HTB/HTB-N/HTB-N-C/HTB-N-C-G/"


def test_a_changed_row_updates_its_match_in_place(cast):
    community_pk, unit_pk = cast.community.pk, cast.community_unit.pk
    data = book(
        nodes=[{"code": "HTB-Z-HC", "name": "花城新社区", "kind": "community", "parent": "HTB-Z", "lat": 44.2,
                "lng": 86.95}],
        units=[{"code": "U-HC", "name": "花城社区居委会", "kind": "community", "jurisdiction": "HTB-Z-HC,HTB-Z-HC-G1",
                "phone": "0994-4511111", "active": "否"}],
        people=[{"username": "handler", "full_name": "刘承办", "phone": "13912345678", "role": "handler",
                 "unit": "U-HC"},
                {"username": "handler", "role": "leader", "node": "HTB-Z"}],
        categories=[{"code": "WY-DT", "name": "电梯故障", "name_en": "Lift breakdown", "parent": "WY", "order": 3}],
        limits=[{"step": "handle", "amount": 6, "clock": "work_days"}],
    )
    check = run(data, dry_run=True).report
    changed = {(s, r): m for s, r, _c, m in lines_of(check, "changed")}
    assert changed[("nodes", 2)] == "名称: 花城社区 → 花城新社区；纬度: 44.19 → 44.2；经度: 86.9 → 86.95"
    assert "启用: 是 → 否" in changed[("units", 2)] and "辖区" in changed[("units", 2)]
    assert "手机: （空） → 139****5678" in changed[("people", 2)]
    assert "13912345678" not in str(check)  # phones are masked in the report
    assert changed[("people", 3)] == "增加角色：领导@HTB-Z"
    assert changed[("limits", 2)] == "时长: 5 → 6"
    assert run(data).applied
    node = Node.objects.get(code="HTB-Z-HC")
    assert (node.pk, node.name, node.lat) == (community_pk, "花城新社区", 44.2)
    unit = Unit.objects.get(code="U-HC")
    assert unit.pk == unit_pk and not unit.active and unit.jurisdiction.count() == 2
    handler = get_user_model().objects.get(username="handler")
    assert handler.first_name == "刘承办" and handler.has_usable_password()  # an existing password is kept
    assert {r.name for r in handler.roles.all()} == {"handler", "leader"}
    assert TimeLimit.objects.get(step="handle", category=None, urgency="", appeal_type="").amount == 6


def test_roles_the_sheet_no_longer_lists_are_removed(cast):
    data = book(people=[{"username": "dispatcher", "full_name": "派单员", "role": "supervisor", "node": "HTB-Z"}])
    report = run(data).report
    assert "移除角色：派单员@HTB-Z" in report["lines"][0]["message"]
    assert list(Role.objects.filter(user=cast.dispatcher).values_list("name", flat=True)) == ["supervisor"]


def test_a_node_without_a_code_gets_one_from_its_parent_and_keeps_it(cast):
    data = book(nodes=[{"code": "", "name": "花城社区第二网格", "kind": "grid", "parent": "HTB-Z-HC"},
                       {"code": "", "name": "花城社区第三网格", "kind": "grid", "parent": "HTB-Z-HC"}])
    assert run(data).applied
    assert set(Node.objects.filter(parent=cast.community, kind="grid").values_list("code", flat=True)) == {
        "HTB-Z-HC-G1", "HTB-Z-HC-G2", "HTB-Z-HC-G3"}
    again = run(data)  # matched by parent and name: nothing new
    assert again.report["counts"]["totals"] == {**ZERO, "unchanged": 2}


def test_a_node_that_moves_keeps_its_code_and_its_subtree_follows(cast):
    appeal = cast.submit()
    data = book(nodes=[{"code": "HTB-Z-HC", "name": "花城社区", "kind": "community", "parent": "HTB-N"},
                       {"code": "HTB-N", "name": "新镇", "kind": "town", "parent": "HTB"}])
    assert run(data).applied
    assert Node.objects.get(code="HTB-Z-HC-G1-C1").path == "/HTB/HTB-N/HTB-Z-HC/HTB-Z-HC-G1/HTB-Z-HC-G1-C1/"
    appeal.refresh_from_db()
    assert appeal.node_path.startswith("/HTB/HTB-N/HTB-Z-HC/")


def test_an_administrator_sets_up_only_their_own_area(cast, county_admin):
    from county_setup import access

    scope = access.scope_of(county_admin)
    data = book(nodes=[{"code": "CJ-YA-X", "name": "外县社区", "kind": "community", "parent": "CJ-YA"},
                       {"code": "HTB-Z-Y", "name": "本县社区", "kind": "community", "parent": "HTB-Z"}],
                people=[{"username": "outsider", "full_name": "外人", "role": "handler", "unit": "U-BJ"}])
    before = snapshot()
    refused = lines_of(run(data, scope_nodes=scope).report, "refused")
    assert ("nodes", 2, "编码", "此节点不在您的管辖范围内。") in refused
    assert ("people", 2, "承办单位编码", "此范围不在您的管辖范围内。") in refused
    assert snapshot() == before


FULL = {"towns": 15, "communities": 200, "grids": 1500, "units": 300, "people": 3000}


def test_a_county_of_fifteen_towns_and_three_thousand_people_imports_and_again_changes_nothing(cast):
    """The size the issue names (bench/setup_import.py times it: about a second here)."""
    data = county_workbook(**FULL)
    total = sum(len(v) for v in county_rows(**FULL).values())
    first = run(data)
    assert first.applied and first.report["counts"]["totals"] == {**ZERO, "created": total}
    assert Node.objects.filter(code__startswith="GEN", kind="grid").count() == 1500
    assert get_user_model().objects.filter(username__startswith="gen_p").count() == 3000
    before = snapshot()
    again = run(data)
    assert again.report["counts"]["totals"] == {**ZERO, "unchanged": total}
    assert snapshot() == before
