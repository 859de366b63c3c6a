"""A leader reads the figures on a phone and at a desk: changes the scope and
the period, clicks a figure through to its requests, exports a table."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from appeals import services

from .conftest import DESKTOP, PHONE
from .test_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(cast):
    for _ in range(3):
        cast.appeal_in("replied")
    evaluated = cast.appeal_in("replied")
    services.evaluate(evaluated, actor=cast.fresh(cast.resident), rating="satisfied")
    cast.appeal_in("dispatched")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_leader_reads_the_figures(cast, live_server, browser, shots, device):
    _history(cast)
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    page.click("nav.staff-nav a[href='/work/figures/']")
    page.wait_for_selector("[data-headline]")
    headline = page.text_content("[data-headline]")
    # Chinese first, whatever the browser's language (the article's own words)
    assert "共收到诉求5件，已答复4件" in headline and "答复办结率 80.0%" in " ".join(headline.split())
    page.wait_for_selector("[data-chart=trend] canvas")  # ECharts drew the trend
    shots(page, f"dashboard-{device}")

    page.select_option("select[name=scope]", str(cast.community.pk))
    page.select_option("select[name=p]", "year")
    page.click(".figure-filters button[type=submit]")
    page.wait_for_url(f"**scope={cast.community.pk}**")
    assert "花城社区" in page.text_content("h1")
    assert page.text_content("[data-figure=received] .figure-value").strip() == "5"
    shots(page, f"dashboard-community-year-{device}")

    page.click("[data-figure=replied]")
    page.wait_for_selector(".figure-requests")
    assert page.locator(".figure-requests [data-appeal]").count() == 4
    shots(page, f"requests-replied-{device}")

    page.go_back()
    page.wait_for_selector("[data-headline]")
    with page.expect_download() as download:
        page.click("section.ranking h2 a.export")
    sheet = load_workbook(BytesIO(open(download.value.path(), "rb").read())).active
    names = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert "花城社区居委会" in names
    context.close()
