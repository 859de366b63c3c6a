"""Care on a phone and at the desk: a volunteer opens their page from the text
message, takes the lunch delivery, sees the address, marks it delivered; the
elderly resident taps "yes" on the link their phone got; the grid worker's day
shows it confirmed and the volunteer's hours went up. Then community staff see
a missed order first on the day's page and the canteen's meal count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from care.models import Order, Recipient
from notifications.models import SmsMessage
from organisations.models import Role
from places.models import Place
from volunteers import services as volunteers
from volunteers.models import HoursEntry, Skill, Volunteer
from volunteers.skills import ensure

from .conftest import DESKTOP, PHONE


def skill(code: str) -> Skill:
    ensure()  # a transactional test before this one may have flushed the seeded skills
    return Skill.objects.get(code=code)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_delivers_lunch_and_the_resident_confirms(cast, live_server, browser, shots):
    canteen = Place.objects.create(node=cast.community, kind=Place.Kind.CANTEEN, name="花城社区幸福食堂",
                                   lat=44.19, lng=86.9)
    recipient = Recipient.objects.create(node=cast.compound, name="张桂兰", phone="13912345678",
                                         address="花城路8号院3号楼2单元201", category="alone", diet="low_salt",
                                         needs="耳背，敲门要用力")
    volunteer = Volunteer.objects.create(node=cast.community, name="刘建军", phone="13700001111")
    volunteer.skills.add(skill("meals"))
    soon = timezone.localtime() + timedelta(hours=1)
    order = Order.objects.create(recipient=recipient, kind="meals", canteen=canteen, day=soon.date(), due_at=soon,
                                 minutes=30)
    late = timezone.localtime() - timedelta(minutes=40)
    missed = Order.objects.create(recipient=recipient, kind="visit", day=late.date(), due_at=late, minutes=60,
                                  state="taken", volunteer=volunteer)

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(live_server.url + volunteers.private_path(volunteer))
    page.wait_for_selector(f"[data-open-orders] [data-order='{order.pk}']")
    assert "张**" in page.text_content(f"[data-order='{order.pk}']")
    assert "花城路8号院" not in page.text_content("main")
    shots(page, "volunteer-phone")
    page.click(f"[data-open-orders] [data-order='{order.pk}'] button[value=take]")
    page.wait_for_selector(f"[data-my-orders] [data-order='{order.pk}']")
    assert "接单成功" in page.text_content("[data-notice]")
    page.click(f"[data-my-orders] [data-order='{order.pk}'] button[value=reveal]")
    page.wait_for_selector(f"[data-my-orders] [data-order='{order.pk}'] [data-address]")
    assert "花城路8号院3号楼2单元201" in page.text_content(f"[data-order='{order.pk}'] [data-address]")
    assert "已超时" in page.text_content(f"[data-my-orders] [data-order='{missed.pk}']")
    shots(page, "volunteer-address")
    page.click(f"[data-my-orders] [data-order='{order.pk}'] button[value=done]")
    page.wait_for_selector(f"[data-my-orders] [data-order='{order.pk}'][data-state=done]")
    shots(page, "volunteer-delivered")
    assert not HoursEntry.objects.exists()

    link = SmsMessage.objects.get(phone="13912345678", template="care_done").params["link"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    elder = browser.new_context(**PHONE).new_page()
    elder.goto(live_server.url + path)
    elder.wait_for_selector("form[data-form=care-confirm]")
    assert "您的饭送到了吗" in elder.text_content("main")
    shots(elder, "resident-confirm")
    elder.click("form[data-form=care-confirm] button[type=submit]")
    elder.wait_for_selector("[data-confirmed]")
    shots(elder, "resident-confirmed")
    order.refresh_from_db()
    assert order.state == Order.State.CONFIRMED
    assert HoursEntry.objects.get(volunteer=volunteer).minutes == 30

    page.reload()
    assert "0.5" in page.text_content("[data-hours-total]")

    staff = get_user_model().objects.create_user("carestaff", password="pw", first_name="王芳")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    desk = browser.new_context(**{**DESKTOP, "locale": "zh-CN"}).new_page()
    desk.goto(f"{live_server.url}/login/")
    desk.fill("#id_username", "carestaff")
    desk.fill("#id_password", "pw")
    desk.click("form[data-form=login] button[type=submit]")
    desk.wait_for_load_state()
    desk.goto(f"{live_server.url}/work/care/")
    desk.wait_for_selector("[data-group=missed]")
    assert desk.locator(f"[data-group=missed] [data-order='{missed.pk}']").count() == 1
    assert desk.locator(f"[data-group=confirmed] [data-order='{order.pk}']").count() == 1
    shots(desk, "care-day-desk")
    desk.goto(f"{live_server.url}/work/care/meals/?day={soon.date()}")
    assert desk.text_content(f"[data-canteen='{canteen.pk}'] [data-total]") == "1"
    shots(desk, "meal-counts-desk")
    desk.goto(f"{live_server.url}/work/care/recipients/{recipient.pk}/")
    shots(desk, "recipient-masked-desk")
