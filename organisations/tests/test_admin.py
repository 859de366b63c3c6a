"""The Django admin: every registered model's pages load for the superuser,
configuration can be edited with clear refusals, and requests stay read-only."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token, TokenProxy

from analysis.models import FigureSettings
from appeals.models import Appeal, Category
from deliberation.models import Item, Meeting, Topic
from events.models import Event, Programme
from fund import ledger
from fund.models import Fund, Project
from notifications.models import Notification
from notifications.outbox import deliver_pending
from open311.models import ApiClient
from organisations.models import Node, PersonalDataView, Role
from places.models import Circle, PlacePhoto, SpecialDay
from places.tests.spots import make_spots
from routing.models import Correction, Rule
from volunteers.models import Team
from workcalendar.models import CalendarDay, CalendarYear

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def world(cast):
    """At least one row of every model the admin shows."""
    appeal = cast.appeal_in("in_progress")
    deliver_pending()
    PersonalDataView.objects.create(viewer=cast.handler, subject=f"appeal:{appeal.pk}", field="contact_phone")
    CalendarDay.objects.create(date="2027-01-01", is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
    Group.objects.create(name="热线坐席")
    Token.objects.create(user=cast.admin)
    FigureSettings.objects.create()
    ApiClient.objects.create(name="某区12345热线", key_hash="0" * 64)
    spots = make_spots(cast)
    Circle.objects.create(kind="station")
    SpecialDay.objects.create(place=spots.station, first="2026-06-01", last="2026-06-01")
    PlacePhoto.objects.create(place=spots.station, token="t" * 20, image="places/x.jpg", width=1, height=1)
    theme = Programme.objects.create(node=cast.community, period="month", starts_on="2026-06-01", title="邻里文化节")
    Event.objects.create(node=cast.community, title="包饺子", theme=theme, place=spots.station,
                         starts_at="2026-06-06T10:00+08:00", ends_at="2026-06-06T12:00+08:00", capacity=20)
    Team.objects.create(node=cast.community, name="雷锋车队", description="给独居老人送餐")
    meeting = Meeting.objects.create(node=cast.community, title="六月居民恳谈日", place=spots.station,
                                     starts_at="2026-06-10T09:30+08:00", ends_at="2026-06-10T11:30+08:00")
    topic = Topic.objects.create(node=cast.community, title="小区夜间停车难", raised_by_name="王秀兰",
                                 raised_phone="13900031234", state="on_agenda")
    Item.objects.create(meeting=meeting, topic=topic, title=topic.title, appeal=appeal)
    fund = Fund.objects.create(node=cast.community, name="花城社区微基金", opened_on=date(2026, 1, 1))
    Project.objects.create(fund=fund, title="邻里广场改造")
    ledger.post(fund, "donation", "100.00", by=cast.admin, on=fund.opened_on, purpose="捐入微基金",
                donor_name="鑫源超市", donor_kind="shop")
    rule = Rule.objects.create(category=appeal.category, area=cast.community, unit=cast.community_unit)
    Correction.objects.create(appeal=appeal, category=rule.category, unit=rule.unit, actor=cast.dispatcher)
    cast.appeal = appeal
    return cast


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_superuser_sees_the_list_and_a_page_of_every_registered_model(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture should make a {model._meta.label}"
    object_id = obj.user_id if model is TokenProxy else obj.pk  # DRF maps tokens by user
    assert admin_client.get(admin_url(model, "change", object_id)).status_code == 200


def test_the_tree_list_shows_nodes_indented_in_tree_order(admin_client, world):
    page = admin_client.get(admin_url(Node, "changelist")).content.decode()
    assert page.index("呼图壁县") < page.index("呼图壁镇") < page.index("花城社区第一网格")
    assert "padding-left:4.5em" in page  # the grid, three levels down


def test_a_node_added_in_the_admin_gets_its_path_under_its_parent(admin_client, world):
    response = admin_client.post(admin_url(Node, "add"), {
        "name": "美华社区", "code": "HTB-Z-MH", "kind": "community", "parent": world.town.pk,
    })
    assert response.status_code == 302
    assert Node.objects.get(code="HTB-Z-MH").path == "/HTB/HTB-Z/HTB-Z-MH/"


def test_a_node_cannot_sit_under_a_lower_level(admin_client, world):
    response = admin_client.post(admin_url(Node, "add"), {
        "name": "错位社区", "code": "BAD", "kind": "community", "parent": world.grid.pk,
    })
    assert response.status_code == 200
    assert "cannot be placed under" in response.content.decode()
    assert not Node.objects.filter(code="BAD").exists()


def test_a_node_code_must_be_ascii(admin_client, world):
    response = admin_client.post(admin_url(Node, "add"), {
        "name": "美华社区", "code": "美华", "kind": "community", "parent": world.town.pk,
    })
    assert response.status_code == 200
    assert not Node.objects.filter(name="美华社区").exists()


def test_a_first_level_category_lists_its_subcategories_inline(admin_client, world):
    parent = world.category.parent
    page = admin_client.get(admin_url(Category, "change", parent.pk)).content.decode()
    assert 'name="children-0-name"' in page
    assert "电梯故障" in page


def test_a_category_with_subcategories_cannot_become_a_subcategory(admin_client, world):
    parent = world.category.parent
    other = world.category_lights.parent
    response = admin_client.post(admin_url(Category, "change", parent.pk), {
        "name": parent.name, "name_en": parent.name_en, "code": parent.code, "parent": other.pk,
        "order": 0, "active": "on",
        "children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0", "children-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert "must stay at the first level" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent_id is None


def _user_form(user, *roles) -> dict:
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": "", "email": "",
        "is_active": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "08:00:00",
        "roles-TOTAL_FORMS": str(len(roles)), "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
    }
    for i, (name, node, unit) in enumerate(roles):
        data.update({f"roles-{i}-name": name, f"roles-{i}-node": node or "", f"roles-{i}-unit": unit or "",
                     f"roles-{i}-user": user.pk})
    return data


def test_a_user_page_lists_their_roles(admin_client, world):
    page = admin_client.get(admin_url(type(world.handler), "change", world.handler.pk)).content.decode()
    assert 'name="roles-0-name"' in page
    assert "花城社区居委会" in page


def test_the_admin_gives_a_person_a_scoped_role(admin_client, world):
    user = world.resident
    response = admin_client.post(admin_url(type(user), "change", user.pk),
                                 _user_form(user, ("dispatcher", world.other_town.pk, None)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Role.objects.filter(user=user, name="dispatcher", node=world.other_town).exists()


def test_a_handler_role_without_a_unit_is_refused(admin_client, world):
    user = world.resident
    response = admin_client.post(admin_url(type(user), "change", user.pk),
                                 _user_form(user, ("handler", world.town.pk, None)))
    assert response.status_code == 200
    assert "scoped to a handling unit" in response.content.decode()
    assert not Role.objects.filter(user=user, name="handler").exists()


def test_a_request_page_is_read_only_with_its_timeline_and_a_masked_phone(admin_client, world):
    appeal = world.appeal
    page = admin_client.get(admin_url(Appeal, "change", appeal.pk)).content.decode()
    assert appeal.tracking_no in page
    assert 'name="_save"' not in page  # no save button: nothing can be changed here
    # The timeline, read-only, its actions named as on the timeline (the page is in English here).
    for action in ("Submitted", "Registered", "Dispatched", "Signed for", "Handling started"):
        assert f"<p>{action}</p>" in page
    assert "<p>Dispatched → Signed for</p>" in page
    assert "138****2345" in page
    assert "13899912345" not in page


def test_a_request_cannot_be_added_through_the_admin(admin_client, world):
    assert admin_client.get(admin_url(Appeal, "add")).status_code == 403
    count = Appeal.objects.count()
    assert admin_client.post(admin_url(Appeal, "add"), {"title": "x"}).status_code == 403
    assert Appeal.objects.count() == count


def test_a_request_cannot_be_deleted_through_the_admin(admin_client, world):
    appeal = world.appeal
    assert admin_client.post(admin_url(Appeal, "delete", appeal.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(admin_url(Appeal, "changelist"), {
        "action": "delete_selected", "_selected_action": [appeal.pk], "post": "yes",
    })
    assert response.status_code in (200, 302)
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_a_request_cannot_be_changed_through_the_admin(admin_client, world):
    appeal = world.appeal
    response = admin_client.post(admin_url(Appeal, "change", appeal.pk), {"status": "closed", "title": "改"})
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == "in_progress"
    assert appeal.title == "电梯停运三天"


def test_the_request_list_filters_by_status_and_finds_by_tracking_number(admin_client, world):
    other = world.appeal_in("submitted", title="路灯不亮", category="SZ-LD")
    url = admin_url(Appeal, "changelist")
    page = admin_client.get(url, {"status__exact": "submitted"}).content.decode()
    assert other.tracking_no in page and world.appeal.tracking_no not in page
    page = admin_client.get(url, {"q": world.appeal.tracking_no}).content.decode()
    assert world.appeal.tracking_no in page and other.tracking_no not in page


def test_notifications_are_listed_but_not_editable(admin_client, world):
    notification = Notification.objects.first()
    assert notification is not None
    assert admin_client.get(admin_url(Notification, "add")).status_code == 403
    response = admin_client.post(admin_url(Notification, "change", notification.pk), {"read_at": ""})
    assert response.status_code == 403


def test_the_personal_data_log_cannot_be_altered(admin_client, world):
    row = PersonalDataView.objects.get()
    assert admin_client.post(admin_url(PersonalDataView, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert PersonalDataView.objects.filter(pk=row.pk).exists()


def test_staff_without_superuser_rights_cannot_open_the_admin(client, world):
    client.force_login(world.dispatcher)
    response = client.get(admin_url(Appeal, "changelist"))
    assert response.status_code == 302  # to the admin login
