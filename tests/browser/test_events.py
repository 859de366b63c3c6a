"""Community events on a 375 px phone: a resident finds an event, signs up
with the code sent to the phone, lands on the sign-up's private page, and
leaves the waiting list of a full one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import deliver
from events.models import Event, Signup
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def age_codes() -> None:
    """The codes sent so far as if a few minutes old (one a minute per phone)."""
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))


def code_sent_to(phone: str) -> str:
    deliver()
    return [m for m in sms.outbox if m["template"] == SmsMessage.Template.ONE_TIME_CODE
            and m["phone"] == phone][-1]["params"]["code"]


def test_a_resident_signs_up_for_dumplings_from_a_phone(cast, live_server, browser, shots):
    starts = timezone.now() + timedelta(days=3)
    event = Event.objects.create(node=cast.community, title="邻里文化节·包饺子", starts_at=starts,
                                 ends_at=starts + timedelta(hours=2), capacity=2, audience="elderly",
                                 location="花城社区党群服务中心二楼活动室")
    full = Event.objects.create(node=cast.community, title="一起来摊玩", starts_at=starts + timedelta(days=1),
                                ends_at=starts + timedelta(days=1, hours=2), capacity=1)
    Signup.objects.create(event=full, name="甲", phone="13900000000", state=Signup.State.CONFIRMED)

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.click("a[data-go=events]")
    page.wait_for_selector("[data-event-list]")
    assert page.locator("[data-event-list] .event-card").count() == 2
    shots(page, "events-phone")
    page.click(f"[data-event='{event.pk}'] h2 a")
    page.wait_for_selector("form[data-form=signup]")
    assert "已报名 0 人，共 2 个名额" in page.text_content("[data-seats]")
    page.fill("#id_name", "王阿姨")
    page.fill("#id_phone", "13900001234")
    page.click("form[data-form=signup] button[type=submit]")
    page.wait_for_selector("form[data-form=signup-code]")
    assert "尾号 1234" in page.text_content("main")
    page.fill("#id_code", code_sent_to("13900001234"))
    shots(page, "event-code-phone")
    page.click("form[data-form=signup-code] button[type=submit]")
    page.wait_for_selector("[data-signup-state=confirmed]")
    assert "已报名" in page.text_content(".signup-state")
    signup = Signup.objects.get(event=event)
    assert signup.name == "王阿姨" and page.url.endswith(f"/events/s/{signup.pk}/{page.url.split('/')[-2]}/")
    shots(page, "event-signed-up-phone")
    deliver()
    assert any(m["template"] == SmsMessage.Template.EVENT_SIGNED_UP and m["phone"] == "13900001234"
               for m in sms.outbox)

    # The full one: the waiting list, then leaving it.
    age_codes()
    page.goto(f"{live_server.url}/events/{full.pk}/")
    assert "候补" in page.text_content("#signup")
    page.fill("#id_name", "王阿姨")
    page.fill("#id_phone", "13900001234")
    page.click("form[data-form=signup] button[type=submit]")
    page.wait_for_selector("form[data-form=signup-code]")
    page.fill("#id_code", "000000")
    page.click("form[data-form=signup-code] button[type=submit]")
    page.wait_for_selector("[data-error-for=code]")  # said next to the field, the form kept
    assert "验证码不对" in page.text_content("[data-error-for=code]") or page.text_content("[data-error-for=code]")
    page.fill("#id_code", code_sent_to("13900001234"))
    page.click("form[data-form=signup-code] button[type=submit]")
    page.wait_for_selector("[data-signup-state=waiting]")
    assert "候补第 1 位" in page.text_content(".signup-state")
    shots(page, "event-waiting-phone")
    page.click("form[data-form=cancel-signup] button[type=submit]")
    page.wait_for_selector("[data-signup-state=cancelled]")
    assert Signup.objects.get(event=full, phone="13900001234").state == Signup.State.CANCELLED
    context.close()
