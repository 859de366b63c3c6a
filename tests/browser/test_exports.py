"""A leader exports the requests behind a figure: a long list is made in the
background while a progress page waits, then downloads as an Excel file."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from analysis import jobs
from analysis.models import ExportJob

from .conftest import DESKTOP, PHONE
from .test_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tracking_numbers(path) -> list[str]:
    sheet = load_workbook(BytesIO(open(path, "rb").read())).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=7, values_only=True) if row[0])


def test_a_leader_exports_a_long_list_in_the_background(cast, live_server, browser, shots, monkeypatch):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 2)  # the live server runs in this process
    replied = sorted(cast.appeal_in("replied").tracking_no for _ in range(3))
    cast.appeal_in("dispatched")

    context = browser.new_context(**DESKTOP, accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/work/figures/")
    page.click("[data-figure=replied]")
    page.wait_for_selector(".figure-requests")
    assert page.locator(".figure-requests [data-appeal]").count() == 3
    shots(page, "requests-with-export-desktop")

    page.click("form.export-requests button[type=submit]")
    page.wait_for_url("**/work/figures/exports/*/")
    assert page.locator("progress[data-export-bar]").count() == 1
    assert page.locator("[data-export-download]").count() == 0
    shots(page, "export-queued-desktop")

    assert jobs.run_pending() == 1  # the worker's pass; the page's script sees it done
    page.wait_for_selector("[data-export-download]", timeout=10_000)
    assert page.text_content("[data-export-done]").strip() == "3"
    shots(page, "export-done-desktop")
    with page.expect_download() as download:
        page.click("[data-export-download]")
    assert download.value.suggested_filename.startswith("hubiying-requests-")
    assert _tracking_numbers(download.value.path()) == replied
    context.close()

    # On a phone: a second export waits in the queue, the first one is listed below.
    phone = browser.new_context(**PHONE, accept_downloads=True)
    page = phone.new_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/work/figures/requests/?scope={cast.county.pk}&p=month&figure=replied")
    page.click("form.export-requests button[type=submit]")
    page.wait_for_url("**/work/figures/exports/*/")
    assert ExportJob.objects.filter(state="queued").count() == 1
    assert page.locator(".export-recent li").count() == 1
    shots(page, "export-queued-phone")
    jobs.run_pending()
    page.wait_for_selector("[data-export-download]", timeout=10_000)
    shots(page, "export-done-phone")
    phone.close()
