"""A resident, on a phone and at a desk, opens the public figures from the home
page, goes down to a community, then to the map and list of its requests,
filters them by category and opens one; a government site frames the snippet."""

from __future__ import annotations

import re

import pytest

from analysis.models import FigureSettings
from appeals import services

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(cast):
    replied = [cast.appeal_in("replied") for _ in range(3)]
    services.evaluate(replied[0], actor=cast.fresh(cast.resident), rating="satisfied")
    return cast.appeal_in("registered", category="SZ-LD", title="路灯不亮")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_resident_reads_the_public_figures_and_the_map(cast, live_server, browser, shots, device):
    FigureSettings.objects.create(public_requests=True)
    light = _history(cast)
    base = live_server.url
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    page.goto(base + "/")
    page.click("[data-go=public-figures]")
    page.wait_for_url(f"{base}/figures/")
    assert "共收到诉求4件，已答复3件，答复办结率75.0%" in page.text_content("[data-place=HTB] [data-sentence]")
    assert "共收到诉求0件，已答复0件，答复办结率—" in page.text_content("[data-place=CJ] [data-sentence]")
    shots(page, f"index-{device}")

    page.click("[data-place=HTB] a[href='/figures/HTB-Z/']")
    page.click("a[href='/figures/HTB-Z-HC/']")
    page.wait_for_selector("[data-headline]")
    assert page.text_content("h1").strip() == "花城社区"
    assert "共收到诉求4件，已答复3件，答复办结率75.0%" in page.text_content("[data-headline]")
    assert " ".join(page.text_content("[data-rate=satisfaction_rate]").split()) == "满意率 100.0% 1 / 1"
    assert "数据每5分钟更新" in page.text_content("[data-refresh]")
    assert "/figures/HTB-Z-HC/embed/" in page.input_value("[data-embed-code]")
    shots(page, f"community-{device}")

    page.click("[data-go=public-requests]")
    page.wait_for_selector("[data-public-map][data-ready='1']")
    # no tile server: the circles on a plain background, the community named as text
    assert page.locator(".leaflet-tile").count() == 0
    assert "map-plain" in page.get_attribute("[data-public-map]", "class")
    marker = page.locator("[data-marker='HTB-Z-HC-G1-C1']")
    assert marker.text_content().strip() == "4"
    assert page.locator(".public-area", has_text="花城社区").count() == 1
    assert page.locator("[data-request]").count() == 4
    body = page.content()
    assert "王秀兰" not in body and "13899912345" not in body and "花城小区3号楼" not in body
    shots(page, f"requests-{device}")

    marker.click()
    page.wait_for_selector("[data-marker-link]")
    page.wait_for_timeout(400)  # the popup fades in
    shots(page, f"requests-popup-{device}")

    page.select_option("select[name=category]", "SZ-LD")
    page.click(".public-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*category=SZ-LD.*"))
    assert page.locator("[data-request]").count() == 1
    assert page.locator("[data-marker='HTB-Z-HC-G1-C1']").text_content().strip() == "1"
    shots(page, f"requests-lights-{device}")

    # the category stands for the request: no title, no tracking number, no way into its own page
    item = page.locator(f"[data-request='{light.pk}']")
    assert "路灯" in item.text_content() and light.tracking_no not in page.content()
    assert item.locator("a").count() == 0
    context.close()


def test_a_government_site_frames_the_snippet(cast, live_server, browser, shots):
    _history(cast)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/figures/HTB/")  # any page of ours, to be on the same origin
    page.set_content(f'<h1>某县人民政府</h1><iframe src="{live_server.url}/figures/HTB/embed/" '
                     'width="600" height="130"></iframe>'
                     f'<iframe id="page" src="{live_server.url}/figures/HTB/" width="600" height="200"></iframe>')
    frame = page.frame_locator("iframe").first
    assert "共收到诉求4件，已答复3件，答复办结率75.0%" in frame.locator("[data-sentence]").text_content()
    # the public page itself refuses to be framed (X-Frame-Options: DENY)
    page.wait_for_timeout(500)
    assert page.frame_locator("#page").locator("[data-headline]").count() == 0
    assert page.frame_locator("iframe").first.locator("[data-sentence]").count() == 1
    shots(page, "embed-framed")
    context.close()
