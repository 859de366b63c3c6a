"""/work/new/: staff register a request on a resident's behalf, or handle it on the spot."""

import pytest
from django.urls import reverse

from appeals.models import Appeal, AppealEvent, Status

from .conftest import png


def form_data(**overrides):
    data = {
        "channel": "patrol", "category": "SZ-LD", "type": "help", "description": "花城小区门口路灯不亮",
        "address": "花城小区南门", "contact_name": "", "contact_phone": "", "lat": "", "lng": "",
    }
    data.update(overrides)
    return data


def test_a_grid_worker_registers_a_patrol_finding(as_user, cast):
    client = as_user(cast.grid_worker)
    assert client.get(reverse("work_new")).status_code == 200
    response = client.post(reverse("work_new"), {**form_data(), "photos": [png()]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeal_detail", args=[appeal.pk])
    assert appeal.status == Status.REGISTERED  # staff intake is registered at once
    assert appeal.channel == Appeal.Channel.PATROL and appeal.created_by == cast.grid_worker
    assert appeal.photos.count() == 1
    assert "Registered as" in client.get(response["Location"]).content.decode()


def test_a_dispatcher_registers_a_hotline_call_with_the_residents_phone(as_user, cast):
    client = as_user(cast.dispatcher)
    client.post(reverse("work_new"), form_data(channel="hotline", contact_name="李明", contact_phone="13912345678",
                                               urgent="on"))
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.HOTLINE and appeal.urgency == Appeal.Urgency.URGENT
    assert appeal.contact_phone == "13912345678"


def test_handled_on_the_spot_is_registered_and_replied_with_a_full_timeline(as_user, cast):
    client = as_user(cast.grid_worker)
    response = client.post(reverse("work_new"), form_data(on_the_spot="on", result="resolved",
                                                          reply="已通知电工，现场更换灯泡"))
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert appeal.status == Status.REPLIED and appeal.reply_content == "已通知电工，现场更换灯泡"
    assert appeal.unit == cast.community_unit
    assert list(appeal.events.values_list("action", flat=True)) == ["submit", "register", "dispatch", "sign",
                                                                    "reply"]


def test_on_the_spot_without_a_reply_is_refused_and_nothing_is_stored(as_user, cast):
    response = as_user(cast.grid_worker).post(reverse("work_new"), form_data(on_the_spot="on", result="resolved"))
    assert response.status_code == 400
    assert response.context["form"].errors["reply"]
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_a_dispatcher_has_no_on_the_spot_box(as_user, cast):
    body = as_user(cast.dispatcher).get(reverse("work_new")).content.decode()
    assert 'name="on_the_spot"' not in body
    assert 'name="on_the_spot"' in as_user(cast.grid_worker).get(reverse("work_new")).content.decode()


@pytest.mark.parametrize("overrides, field", [
    ({"description": ""}, "description"),
    ({"category": "nope"}, "category"),
    ({"address": ""}, "address"),
    ({"contact_phone": "123"}, "contact_phone"),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(as_user, cast, overrides, field):
    response = as_user(cast.grid_worker).post(reverse("work_new"), form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["leader", "supervisor"])
def test_read_only_roles_do_not_register(as_user, cast, who):
    client = as_user(getattr(cast, who))
    assert client.get(reverse("work_new")).status_code == 403
    assert client.post(reverse("work_new"), form_data()).status_code == 403
    assert not Appeal.objects.exists()


def test_a_resident_account_has_no_staff_form(as_user, cast):
    assert as_user(cast.resident).get(reverse("work_new")).status_code == 403


@pytest.mark.parametrize(("who", "place"), [("grid_worker", "grid"), ("dispatcher", "town"), ("handler", "community")])
def test_an_address_that_resolves_nowhere_lands_in_the_staff_members_own_area(as_user, cast, who, place):
    """Never at the top of the tree, where no town dispatcher would see it."""
    client = as_user(getattr(cast, who))
    client.post(reverse("work_new"), form_data(address="不知道在哪儿的一个地方", channel="walk_in"))
    appeal = Appeal.objects.get()
    assert appeal.node == getattr(cast, place) and appeal.owner_node == cast.town
    assert appeal.tracking_no in as_user(cast.dispatcher).get(reverse("workbench")).content.decode()


def test_the_form_proposes_the_staff_members_community_and_lets_them_pick_another(as_user, cast):
    client = as_user(cast.grid_worker)
    page = client.get(reverse("work_new")).content.decode()
    assert '<option value="HTB-Z-HC" selected>花城社区</option>' in page
    client.post(reverse("work_new"), form_data(address="", community="CJ-YA-BJ", channel="walk_in"))
    appeal = Appeal.objects.get()
    assert appeal.node == cast.other_community and appeal.owner_node == cast.other_town


def test_a_refused_form_says_the_photos_must_be_chosen_again(as_user, cast):
    client = as_user(cast.grid_worker)
    response = client.post(reverse("work_new"), {**form_data(description="", category=""), "photos": [png()]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The 1 photo you chose was not kept" in body
    assert "data-error-summary" in body and 'href="#field-description"' in body and 'href="#field-category"' in body
