"""One request walked through the real pages in a real browser: a resident on a
375px phone, the town dispatcher on a desktop, the community handler on a
phone, and the resident again to evaluate."""

from __future__ import annotations

import pytest

from appeals.models import Appeal, Status
from conftest import deliver
from notifications import sms
from organisations.models import PersonalDataView

from .conftest import DESKTOP, PHONE, small_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[data-form=login] button[type=submit]")
    page.wait_for_url(f"{base}/work/**")


def act(page, action: str) -> None:
    page.click(f"form[data-action='{action}'] button[type=submit]")
    page.wait_for_load_state()


def test_a_request_goes_from_a_residents_phone_to_closed(cast, live_server, browser, shots):
    base = live_server.url

    # 1. The resident submits from a phone: map pin, address and one photo.
    resident = browser.new_context(**PHONE)
    phone = resident.new_page()
    phone.goto(f"{base}/")
    shots(phone, "home-phone")
    phone.click("[data-go=submit]")
    phone.wait_for_selector("[data-map-pick] .leaflet-container")
    shots(phone, "submit-empty-phone")
    phone.fill("#id_contact_name", "王秀兰")
    phone.fill("#id_contact_phone", "13899912345")
    phone.select_option("#id_category", "WY-DT")
    phone.fill("#id_description", "花城小区3号楼电梯已经停运三天，老人上下楼很困难，请尽快维修。")
    phone.set_input_files("#id_photos", files=[{"name": "lift.png", "mimeType": "image/png", "buffer": small_png()}])
    phone.locator("[data-map]").click()  # the pin at the map's centre (the configured MAP_CENTER)
    assert phone.input_value("#id_lat") and phone.input_value("#id_lng")
    phone.fill("#id_address", "花城小区3号楼")
    shots(phone, "submit-filled-phone")
    phone.click("form[data-form=submit] button[type=submit]")
    tracking_no = phone.text_content("[data-tracking-no]").strip()
    shots(phone, "thanks-phone")

    appeal = Appeal.objects.get(tracking_no=tracking_no)
    assert appeal.status == Status.SUBMITTED
    assert appeal.channel == Appeal.Channel.WEB
    assert appeal.node == cast.compound  # the pin resolved to 花城小区
    assert appeal.lat is not None and appeal.photos.count() == 1

    # 2. The town dispatcher registers and dispatches it, on a desktop.
    office = browser.new_context(**DESKTOP).new_page()
    log_in(office, base, "dispatcher")
    assert office.locator(f"tr[data-appeal='{tracking_no}']").count() == 1
    shots(office, "workbench-dispatcher-desktop")
    office.click(f"tr[data-appeal='{tracking_no}'] .c-no a")
    office.wait_for_selector("[data-contact]")
    assert "138****2345" in office.text_content("[data-contact]")
    shots(office, "appeal-submitted-desktop")
    act(office, "register")
    assert office.locator(".message-success").count() == 1
    office.select_option("#id_dispatch_unit", label="花城社区居委会")
    act(office, "dispatch")
    shots(office, "appeal-dispatched-desktop")
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.unit == cast.community_unit
    deliver()  # the background worker (make run starts it beside the server)

    # 3. The community handler is told, signs for it and replies, on a phone.
    handler = browser.new_context(**PHONE).new_page()
    log_in(handler, base, "handler")
    assert handler.get_attribute(".bell", "data-unread") != "0"
    shots(handler, "workbench-handler-phone")
    handler.goto(f"{base}/work/notifications/")
    assert handler.locator("[data-notification]").count() >= 1
    shots(handler, "notifications-handler-phone")
    handler.goto(f"{base}/work/")
    handler.click(f"tr[data-appeal='{tracking_no}'] .c-no a")
    handler.wait_for_selector("form[data-action=sign]")
    shots(handler, "appeal-dispatched-handler-phone")
    act(handler, "sign")
    handler.click("form[data-reveal] button")
    handler.wait_for_selector("a[data-phone]")
    assert handler.text_content("[data-phone]").strip() == "13899912345"
    assert set(PersonalDataView.objects.filter(viewer=cast.handler, subject=f"appeal:{appeal.pk}")
               .values_list("field", flat=True)) == {"contact_name", "contact_phone"}
    handler.check("#id_reply_result_0")
    handler.fill("#id_reply_content", "已联系物业维修，电梯已恢复运行。")
    shots(handler, "appeal-signed-handler-phone")
    act(handler, "reply")
    shots(handler, "appeal-replied-handler-phone")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED

    # 4. The resident, without the private link at hand, tracks the number, has a
    #    code sent to the phone left with the request, and evaluates.
    phone.goto(f"{base}/track/")
    phone.fill("#id_no", tracking_no.lower())
    phone.click("form[data-form=track] button[type=submit]")
    phone.wait_for_selector("[data-prove]")
    assert "13899912345" not in phone.content() and "王秀兰" not in phone.content()
    assert phone.locator("[data-go=evaluate]").count() == 0  # the number alone does not evaluate
    shots(phone, "track-replied-phone")
    phone.click("[data-prove] button[type=submit]")
    phone.wait_for_selector("[data-code-sent]")
    deliver()
    code = [m for m in sms.outbox if m["template"] == "one_time_code"][-1]["params"]["code"]
    phone.fill("#id_code", code)
    shots(phone, "code-phone")
    phone.click("form[data-form=code] button[type=submit]")
    phone.wait_for_selector("[data-what-i-wrote]")
    assert "老人上下楼很困难" in phone.text_content("[data-what-i-wrote]")
    shots(phone, "track-private-replied-phone")
    phone.click("[data-go=evaluate]")
    phone.check("input[name=rating][value=satisfied]")
    phone.fill("#id_evaluate_comment", "修得很快，谢谢！")
    shots(phone, "evaluate-phone")
    phone.click("form[data-form=evaluate] button[type=submit]")
    phone.wait_for_selector("article.track[data-status=closed]")
    shots(phone, "track-closed-phone")

    steps = ["submit", "register", "dispatch", "sign", "reply", "evaluate", "close"]
    public = phone.eval_on_selector_all(".timeline li", "items => items.map(i => i.dataset.action)")
    assert public == steps
    office.reload()
    staff = office.eval_on_selector_all(".timeline li", "items => items.map(i => i.dataset.action)")
    assert staff == steps
    shots(office, "appeal-closed-desktop")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.rating == Appeal.Rating.SATISFIED
    resident.close()
