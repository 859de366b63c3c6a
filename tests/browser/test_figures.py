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


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_leader_sees_where_and_about_what_residents_ask(cast, live_server, browser, shots, device):
    for _ in range(3):
        cast.submit(title="路灯不亮", description="门前路灯坏了，天黑看不见。")
    cast.submit(title="电梯故障", description="电梯故障困人。")
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    page.goto(live_server.url + "/work/figures/?p=all")
    # the hotspot map draws its circles with no tile server, the busiest place named
    page.wait_for_selector("[data-hotspot-map] path.leaflet-interactive")
    assert "花城小区" in page.text_content("[data-hotspot-map]")
    page.wait_for_selector("[data-words-list] [data-word]")  # the words come after the page
    page.locator(".hotspots").scroll_into_view_if_needed()
    shots(page, f"hotspots-words-{device}")
    assert page.locator("[data-words-list] [data-word='路灯'] small").text_content() == "3"

    page.click("[data-words-list] [data-word='路灯']")
    page.wait_for_selector(".figure-requests")
    assert page.locator(".figure-requests [data-appeal]").count() == 3
    shots(page, f"requests-with-a-word-{device}")

    page.go_back()
    page.wait_for_selector("[data-hotspot-map] path.leaflet-interactive")
    page.locator("[data-hotspot-map] path.leaflet-interactive").first.click()
    page.click(".leaflet-popup a")
    page.wait_for_selector(".figure-requests")
    assert page.locator(".figure-requests [data-appeal]").count() == 4
    context.close()
