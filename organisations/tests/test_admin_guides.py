"""An admin that guides a county's IT officer: pickers that say where a node
sits, search by pinyin initials, codes made from the parent's, a placement
rule with the reason, the scope each role needs, the time limits a category
gets, and the years the working calendar knows."""

from __future__ import annotations

import json

from appeals.models import Category, TimeLimit
from organisations.models import Node

from .test_admin import admin_client, admin_url, world  # noqa: F401 — the fixtures


def test_a_node_left_without_a_code_gets_one_from_its_parent_and_keeps_six_decimals(admin_client, world):  # noqa: F811 — the fixtures
    response = admin_client.post(admin_url(Node, "add"), {
        "name": "幸福社区", "code": "", "kind": "community", "parent": world.town.pk,
        "lat": "44.1912345678", "lng": "86.9000000001",
    })
    assert response.status_code == 302
    node = Node.objects.get(name="幸福社区")
    assert node.code == "HTB-Z-C1" and node.path == "/HTB/HTB-Z/HTB-Z-C1/"
    assert (node.lat, node.lng) == (44.191235, 86.9)
    admin_client.post(admin_url(Node, "add"), {"name": "和平社区", "code": "", "kind": "community",
                                               "parent": world.town.pk})
    assert Node.objects.get(name="和平社区").code == "HTB-Z-C2"
    listed = admin_client.get(admin_url(Node, "changelist")).content.decode()
    assert "44.191235" in listed and "44.1912345678" not in listed


def test_a_grid_under_a_town_is_refused_with_where_it_belongs(admin_client, world):  # noqa: F811 — the fixtures
    response = admin_client.post(admin_url(Node, "add"), {
        "name": "错位网格", "code": "HTB-Z-BAD", "kind": "grid", "parent": world.town.pk,
    })
    assert response.status_code == 200
    assert "it belongs under a Community / village" in response.content.decode()
    assert not Node.objects.filter(code="HTB-Z-BAD").exists()


def test_the_pickers_show_the_path_and_kind_and_find_pinyin_initials(admin_client, world):  # noqa: F811 — the fixtures
    url = "/admin/autocomplete/?app_label=organisations&model_name=role&field_name=node&term="
    found = json.loads(admin_client.get(url + "hcsq").content)["results"]
    labels = [r["text"] for r in found]
    assert "呼图壁县 › 呼图壁镇 › 花城社区（Community / village）" in labels
    by_code = json.loads(admin_client.get(url + "HTB-Z-HC-G1").content)["results"]
    assert any(r["text"].endswith("花城社区第一网格（Grid）") for r in by_code)
    page = admin_client.get(admin_url(Node, "change", world.grid.pk)).content.decode()
    assert "呼图壁县 › 呼图壁镇 › 花城社区（Community / village）" in page  # the parent chosen already


def test_the_role_row_says_which_scope_each_role_needs(admin_client, world):  # noqa: F811 — the fixtures
    page = admin_client.get(admin_url(type(world.handler), "change", world.handler.pk)).content.decode()
    assert "Which scope a role needs: Handler — a handling unit;" in page


def test_a_category_page_spells_out_the_time_limits_that_apply_and_what_they_override(admin_client, world):  # noqa: F811 — the fixtures
    lift = Category.objects.get(code="WY-DT")
    TimeLimit.objects.create(step="handle", category=lift.parent, amount=3, clock="work_days")
    TimeLimit.objects.create(step="handle", category=lift, urgency="urgent", amount=4, clock="work_hours")
    page = admin_client.get(admin_url(Category, "change", lift.pk)).content.decode()
    table = page[page.index("data-time-limits"):page.index("</table>", page.index("data-time-limits"))]
    handle = table[table.index("Handle and reply"):]
    handle = handle[:handle.index("</tr>")]
    normal, urgent = handle.split("</td><td>")[1:3]
    assert "3 working days" in normal and "Urgent" not in normal
    assert "4 working hours" in urgent and "overridden: 3 working days" in urgent


def test_the_calendar_lists_say_which_years_are_known(admin_client, world):  # noqa: F811 — the fixtures
    from workcalendar.models import CalendarDay, CalendarYear

    for model in (CalendarYear, CalendarDay):
        page = admin_client.get(admin_url(model, "changelist")).content.decode()
        assert "data-calendar-coverage" in page and "entered here: 2027" in page and "chinesecalendar" in page
    form = admin_client.get(admin_url(CalendarDay, "add")).content.decode()
    assert "Unticked: a day off" in form
