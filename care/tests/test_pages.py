"""The care pages as staff, grid workers, canteen hosts, volunteers and recipients see them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from care import services
from care.models import Order, Plan, Recipient
from notifications.models import SmsMessage
from organisations.models import PersonalDataView, Role
from places.models import Place
from volunteers import services as volunteer_services
from volunteers.models import HoursEntry, Volunteer

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def world(cast):
    staff = get_user_model().objects.create_user("carestaff", password="x", first_name="王芳")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    other_staff = get_user_model().objects.create_user("otherstaff", password="x")
    Role.objects.create(user=other_staff, name=Role.Name.COMMUNITY_STAFF, node=cast.other_community)
    host = get_user_model().objects.create_user("cook", password="x")
    canteen = Place.objects.create(node=cast.community, kind=Place.Kind.CANTEEN, name="花城幸福食堂",
                                   lat=44.19, lng=86.9)
    canteen.hosts.add(host)
    recipient = Recipient.objects.create(node=cast.compound, name="张桂兰", phone=PHONE, address="花城路8号院3号楼201",
                                         category=Recipient.Category.ALONE, diet=Recipient.Diet.LOW_SALT,
                                         needs="耳背，敲门要用力")
    volunteer = Volunteer.objects.create(node=cast.community, name="刘建军", phone="13700001111")
    cast.staff, cast.other_staff, cast.host, cast.canteen = staff, other_staff, host, canteen
    cast.recipient, cast.volunteer = recipient, volunteer
    return cast


def _order(world, *, hours=2, **extra) -> Order:
    due = timezone.localtime() + timedelta(hours=hours)
    fields = {"recipient": world.recipient, "kind": "meals", "canteen": world.canteen, "day": due.date(),
              "due_at": due, "minutes": 30, **extra}
    return Order.objects.create(**fields)


def _client(client, user):
    client.force_login(user)
    return client


def test_the_recipient_page_masks_until_asked_and_logs_the_full_view(client, world):
    c = _client(client, world.staff)
    page = c.get(f"/work/care/recipients/{world.recipient.pk}/", secure=True).content.decode()
    assert "张桂兰" not in page and PHONE not in page and "花城路8号院" not in page
    assert "张**" in page and "139****5678" in page
    assert not PersonalDataView.objects.exists()
    page = c.post(f"/work/care/recipients/{world.recipient.pk}/", {"section": "reveal"}, secure=True).content.decode()
    assert "张桂兰" in page and PHONE in page and "花城路8号院3号楼201" in page
    logged = set(PersonalDataView.objects.filter(viewer=world.staff).values_list("subject", "field"))
    assert logged == {(f"care_recipient:{world.recipient.pk}", f) for f in ("name", "phone", "address")}


def test_staff_of_another_community_and_the_public_see_nothing(client, world):
    assert _client(client, world.other_staff).get(f"/work/care/recipients/{world.recipient.pk}/",
                                                    secure=True).status_code == 404
    assert "张" not in client.get("/work/care/recipients/", secure=True).content.decode().split("<main")[1]
    client.logout()
    assert client.get("/work/care/", secure=True).status_code == 302


def test_a_plan_made_on_the_page_makes_its_orders(client, world):
    c = _client(client, world.staff)
    response = c.post(f"/work/care/recipients/{world.recipient.pk}/", {
        "section": "plan", "kind": "meals", "canteen": world.canteen.pk, "mode": "delivery", "days": "daily",
        "skip_holidays": "", "at": "11:30", "starts_on": timezone.localdate().isoformat()}, secure=True)
    assert response.status_code == 302
    plan = Plan.objects.get(recipient=world.recipient)
    assert plan.orders.count() >= 7


def test_a_meal_plan_without_a_canteen_is_refused_in_words(client, world):
    c = _client(client, world.staff)
    response = c.post(f"/work/care/recipients/{world.recipient.pk}/", {
        "section": "plan", "kind": "meals", "mode": "delivery", "days": "daily", "at": "11:30",
        "starts_on": timezone.localdate().isoformat()}, secure=True)
    assert response.status_code == 400
    assert "A meal comes from a canteen" in response.content.decode() or "食堂" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_days_page_shows_a_missed_order_first_and_the_grid_worker_confirms_on_behalf(client, world):
    missed = _order(world, hours=-1, state=Order.State.TAKEN, volunteer=world.volunteer)
    done = _order(world, hours=1, state=Order.State.DONE, volunteer=world.volunteer)
    c = _client(client, world.grid_worker)
    page = c.get("/work/care/", secure=True).content.decode()
    missed_section = page.split('data-group="missed"')[1].split("</section>")[0]
    assert f'data-order="{missed.pk}"' in missed_section and f'data-order="{done.pk}"' not in missed_section
    assert "张桂兰" not in page
    c.post("/work/care/", {"action": "confirm", "order": done.pk}, secure=True)
    done.refresh_from_db()
    assert done.state == Order.State.CONFIRMED and done.confirmed_by == world.grid_worker
    assert HoursEntry.objects.get(source=f"order:{done.pk}").minutes == 30


def test_a_grid_worker_cannot_cancel_or_assign(client, world):
    order = _order(world)
    c = _client(client, world.grid_worker)
    c.post("/work/care/", {"action": "cancel", "order": order.pk}, secure=True)
    order.refresh_from_db()
    assert order.state == Order.State.OPEN


def test_staff_assign_a_volunteer_who_is_told(client, world):
    order = _order(world)
    _client(client, world.staff).post("/work/care/", {"action": "assign", "order": order.pk,
                                                       "volunteer": world.volunteer.pk}, secure=True)
    order.refresh_from_db()
    assert order.state == Order.State.TAKEN and order.volunteer == world.volunteer
    assert SmsMessage.objects.filter(phone=world.volunteer.phone, template="care_assigned").exists()


def test_the_canteen_host_sees_tomorrows_meals_by_diet_and_nobodys_name(client, world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    due = timezone.make_aware(timezone.datetime.combine(tomorrow, time(11, 30)))
    Order.objects.create(recipient=world.recipient, kind="meals", canteen=world.canteen, day=tomorrow, due_at=due,
                         minutes=30)
    other = Recipient.objects.create(node=world.compound, name="李秀英", address="x", category="elderly")
    Order.objects.create(recipient=other, kind="meals", canteen=world.canteen, day=tomorrow, due_at=due, minutes=30,
                         mode="dine_in")
    page = _client(client, world.host).get("/work/care/meals/", secure=True).content.decode()
    section = page.split(f'data-canteen="{world.canteen.pk}"')[1].split("</section>")[0]
    assert '<span data-total>2</span>' in section and '<span data-dine-in>1</span>' in section
    assert "张桂兰" not in page and "李秀英" not in page


def test_the_volunteer_takes_delivers_and_the_recipient_confirms_with_a_tap(client, world):
    order = _order(world, hours=1)
    home = volunteer_services.private_path(world.volunteer)
    page = client.get(home, secure=True).content.decode()
    assert f'data-order="{order.pk}"' in page.split("data-open-orders")[1]
    assert "花城路8号院" not in page
    client.post(home, {"action": "take", "order": order.pk}, secure=True)
    page = client.post(home, {"action": "reveal", "order": order.pk}, secure=True).content.decode()
    assert "花城路8号院3号楼201" in page
    assert PersonalDataView.objects.filter(viewer=None, viewer_label=f"volunteer:{world.volunteer.pk}",
                                           field="address").exists()
    client.post(home, {"action": "done", "order": order.pk}, secure=True)
    order.refresh_from_db()
    assert order.state == Order.State.DONE
    assert not HoursEntry.objects.exists()  # not before the recipient confirms
    link = SmsMessage.objects.get(phone=PHONE, template="care_done").params["link"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert "Yes" in client.get("/" + path, secure=True).content.decode() or "是的" in client.get(
        "/" + path, secure=True).content.decode()
    client.post("/" + path, {"action": "confirm"}, secure=True)
    order.refresh_from_db()
    assert order.state == Order.State.CONFIRMED and order.confirmed_by is None
    assert HoursEntry.objects.get(volunteer=world.volunteer).minutes == 30


def test_a_wrong_token_opens_nothing(client, world):
    order = _order(world, state=Order.State.DONE, volunteer=world.volunteer)
    assert client.get(f"/care/o/{order.pk}/{'a' * 24}/", secure=True).status_code == 404
    assert client.get(f"/volunteer/{world.volunteer.pk}/{'a' * 24}/", secure=True).status_code == 404
    assert services.token_matches(order, services.token_for(order))


def test_the_grid_workers_workbench_says_when_an_order_is_missed(client, world):
    c = _client(client, world.grid_worker)
    assert "data-care-missed" not in c.get("/work/", secure=True).content.decode()
    _order(world, hours=-1, state=Order.State.TAKEN, volunteer=world.volunteer)
    assert 'data-care-missed="1"' in c.get("/work/", secure=True).content.decode()
    client.force_login(world.handler)
    assert "data-care-missed" not in client.get("/work/", secure=True).content.decode()
