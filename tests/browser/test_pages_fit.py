"""Every page at a phone's 375px and on a desktop: no sideways scrolling, a
screenshot of each to look at; and the resident's form without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Status

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[data-form=login] button[type=submit]")
    page.wait_for_url(f"{base}/work/**")
    return page


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_fits_the_screen(cast, live_server, browser, shots, size):
    base = live_server.url
    options = PHONE if size == "phone" else DESKTOP
    replied = cast.appeal_in("replied")
    late = cast.appeal_in("signed", title="小区南门路灯不亮已经一周，晚上出行很不方便", category="SZ-LD")
    services.add_note(late, actor=cast.fresh(cast.handler), content="已联系供电所，等待配件")
    Appeal.objects.filter(pk=late.pk).update(step_due=timezone.now() - timedelta(hours=3),
                                             step_warn_at=timezone.now() - timedelta(hours=9))
    for _ in range(3):
        cast.appeal_in("submitted")

    anonymous = browser.new_context(**options).new_page()
    for name, path in [("home", "/"), ("submit", "/submit/"), ("track-form", "/track/"),
                       ("track", f"/track/{replied.tracking_no}/"),
                       ("evaluate", f"/track/{replied.tracking_no}/evaluate/"), ("login", "/login/")]:
        anonymous.goto(base + path)
        shots(anonymous, f"{name}-{size}")
    anonymous.goto(f"{base}/submit/")
    anonymous.click("form[data-form=submit] button[type=submit]")  # nothing filled in
    for field in ("contact_phone", "category", "description", "address"):  # all at once, not one by one
        assert anonymous.locator(f"[data-error-for={field}]").count() == 1, field
    shots(anonymous, f"submit-errors-{size}")

    dispatcher = log_in(browser.new_context(**options), base, "dispatcher")
    shots(dispatcher, f"workbench-dispatcher-{size}")
    dispatcher.goto(f"{base}/work/?tab=open")
    shots(dispatcher, f"workbench-open-{size}")
    assert dispatcher.locator("[data-deadline=overdue]").count() == 1
    dispatcher.goto(f"{base}/work/new/")
    shots(dispatcher, f"new-dispatcher-{size}")

    grid = log_in(browser.new_context(**options), base, "gridworker")
    grid.goto(f"{base}/work/new/")
    grid.check("#id_on_the_spot")
    shots(grid, f"new-on-the-spot-{size}")

    supervisor = log_in(browser.new_context(**options), base, "supervisor")
    supervisor.goto(f"{base}/work/overdue/")
    assert supervisor.locator(f"[data-appeal='{late.tracking_no}'] form[data-action=urge]").count() == 1
    shots(supervisor, f"overdue-{size}")
    supervisor.goto(f"{base}/work/appeals/{late.pk}/")
    shots(supervisor, f"appeal-supervisor-{size}")

    handler = log_in(browser.new_context(**options), base, "handler")
    handler.goto(f"{base}/work/appeals/{late.pk}/")
    handler.click("details[data-more=request-extension] summary")
    shots(handler, f"appeal-handler-{size}")
    handler.goto(f"{base}/work/notifications/")
    shots(handler, f"notifications-{size}")


def test_without_javascript_a_resident_submits_by_address(cast, live_server, browser, shots):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/submit/")
    assert not page.locator("[data-map-pick]").is_visible()
    page.fill("#id_contact_phone", "13899912345")
    page.select_option("#id_category", "WY-DT")
    page.fill("#id_description", "3号楼电梯不动了")
    page.fill("#id_address", "花城小区3号楼")
    shots(page, "submit-no-js-phone")
    page.click("form[data-form=submit] button[type=submit]")
    number = page.text_content("[data-tracking-no]").strip()
    appeal = Appeal.objects.get(tracking_no=number)
    assert appeal.status == Status.SUBMITTED and appeal.lat is None and appeal.node == cast.compound
