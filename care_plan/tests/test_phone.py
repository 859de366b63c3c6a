"""The care plan pages on a 375 px phone (a case worker on a home visit) and on
a desktop: nothing sticks out sideways, the record's sections are reachable,
a visit is recorded from the phone. Debian's chromium through Playwright
(tests/browser); skipped without it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from care_plan import services
from care_plan.models import HomeVisit
from tests.browser.conftest import DESKTOP, PHONE, browser, shots  # noqa: F401  (fixtures)
from tests.browser.test_pages_fit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_care_plan_pages_fit_the_screen(cast, person, worker, head, live_server, browser, shots, size):  # noqa: F811
    item = services.add_item(person, actor=worker, area="device", what="适配轮椅并教会家属日常保养和调整")
    services.move_item(item, "arrange", actor=worker, by_whom="县残联辅具中心")
    services.add_service(person, actor=worker, kind="visit", on=timezone.localdate(), amount="800.00",
                         detail="春节走访慰问", provider="县残联、花城社区")
    base = live_server.url
    options = PHONE if size == "phone" else DESKTOP
    page = log_in(browser.new_context(**options), base, "caseworker")
    for name, path in [("list", "/work/care-plans/"), ("new", "/work/care-plans/new/"),
                       ("person", f"/work/care-plans/{person.pk}/"), ("fairs", "/work/care-plans/job-fairs/"),
                       ("figures", "/work/care-plans/figures/?month=all")]:
        page.goto(base + path)
        shots(page, f"care-plan-{name}-{size}")
    page.goto(f"{base}/work/care-plans/{person.pk}/")
    page.click("#visits details summary")
    page.fill("#id_findings", "家中卫生间没有扶手，已和家属约好下周安装")
    page.click("form[data-form=care-plan-visit] button[type=submit]")
    page.wait_for_url(f"**/work/care-plans/{person.pk}/#visits")
    assert HomeVisit.objects.filter(person=person, visitor=worker).count() == 1
    page.click("[data-reveal-certificate]")
    shots(page, f"care-plan-certificate-{size}")
    auditor = log_in(browser.new_context(**options), base, "federationhead")
    auditor.goto(base + "/work/care-plans/access-log/")
    assert auditor.locator("[data-view]").count() >= 3
    shots(auditor, f"care-plan-access-log-{size}")
