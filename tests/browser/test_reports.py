"""A leader reads the 运行通报 on a phone and at a desk: switches the kind and the
period, and downloads the Word file."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from io import BytesIO
from unittest import mock

import pytest
from django.utils import timezone
from docx import Document

from analysis.reports import ReportPeriod, last_complete
from appeals import services

from .conftest import DESKTOP, PHONE
from .test_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def on(day: date):
    moment = timezone.make_aware(datetime.combine(day, time(10)))
    with mock.patch("django.utils.timezone.now", lambda: moment):
        yield


def _history(cast) -> ReportPeriod:
    """Five requests in the last whole week of the last complete month, two in the month before."""
    month = last_complete("month", timezone.localdate())
    week = ReportPeriod.containing("week", month.end)
    if week.end > month.end:
        week = week.before()
    with on(month.before().start):
        for _ in range(2):
            cast.appeal_in("replied")
    with on(week.start):
        for _ in range(3):
            cast.appeal_in("replied")
        cast.appeal_in("submitted")
        dissatisfied = cast.appeal_in("replied")
        services.evaluate(dissatisfied, actor=cast.fresh(cast.resident), rating="dissatisfied")
    return week


def _received(page, n: int) -> bool:
    """The overview's first sentence names the requests received (Chinese first, whatever the browser's
    language; English once the person picks it)."""
    text = " ".join(page.text_content("[data-section=overview] p").split())
    return f"共收到诉求{n}件" in text or f"received {n} requests" in text


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_leader_reads_and_downloads_the_report(cast, live_server, browser, shots, device):
    week = _history(cast)
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/work/figures/report/")
    page.wait_for_selector("[data-report]")
    if device == "desktop":  # the desk reads it in English
        page.click("form.lang button[value=en]")
        page.wait_for_selector("html[lang=en] [data-report]")
        assert "Units below the standards" in page.text_content("[data-section=standards] h2")
    month = ReportPeriod.containing("month", week.start)
    assert page.input_value("select[name=at]") == month.key  # the last complete month by default
    assert "呼图壁县" in page.text_content(".report-title")
    assert _received(page, 5)
    assert page.locator("[data-table=units] tbody tr").count() == 1
    assert "13899912345" not in page.content()
    shots(page, f"report-month-{device}")

    page.select_option("select[name=kind]", "week")
    page.click(".report-filters button[type=submit]")
    page.wait_for_url("**kind=week**")
    page.select_option("select[name=at]", week.key)
    page.click(".report-filters button[type=submit]")
    page.wait_for_url(f"**at={week.key}**")
    assert f"{week.start.isocalendar()[1]}" in page.text_content(".report-title")
    assert _received(page, 5)
    shots(page, f"report-week-{device}")

    before = week.before()
    page.select_option("select[name=at]", before.key)
    page.click(".report-filters button[type=submit]")
    page.wait_for_url(f"**at={before.key}**")
    assert _received(page, 0)
    shots(page, f"report-week-before-{device}")

    page.select_option("select[name=at]", week.key)
    page.click(".report-filters button[type=submit]")
    page.wait_for_url(f"**at={week.key}**")
    with page.expect_download() as download:
        page.click("[data-download=docx]")
    assert download.value.suggested_filename.endswith(".docx")
    doc = Document(BytesIO(open(download.value.path(), "rb").read()))
    assert doc.paragraphs[0].text == page.text_content(".report-title").strip()
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == 6  # the five sections and the notes
    context.close()
