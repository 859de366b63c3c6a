"""The resident's form on a 375px phone, as the walk-through found it: every
problem at once with a summary that links to each field, characters counted
and too much text refused (never cut), no browser bubbles, a preview of the
chosen photos, and without a tile server a map of labelled places that fills
in the community when one is tapped."""

from __future__ import annotations

import pytest

from appeals.models import Appeal

from .conftest import PHONE, small_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_submission_shows_every_problem_at_once_and_keeps_what_was_typed(cast, live_server, browser,
                                                                                   shots, settings):
    settings.MAP_TILE_URL = ""
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/submit/")
    phone.wait_for_selector("[data-map-pick] .leaflet-container")
    # Without tiles the map names the communities around: tapping one picks it.
    labels = phone.locator(".leaflet-tooltip.map-label.community").all_text_contents()
    assert "花城社区" in labels
    assert phone.locator("form[data-form=submit][novalidate]").count() == 1
    assert phone.locator("form[data-form=submit] [required]").count() == 0  # the app's own messages only
    phone.set_input_files("#id_photos", files=[{"name": "lift.png", "mimeType": "image/png", "buffer": small_png()}])
    phone.wait_for_selector("[data-preview-for=id_photos] img")
    phone.fill("#id_description", "电梯" * 1001)  # 2,002 characters: two too many
    assert "超出 2 字" in phone.text_content("[data-counter-for=id_description]")
    shots(phone, "submit-typed-phone")
    phone.click("form[data-form=submit] button[type=submit]")
    phone.wait_for_selector("[data-error-summary]")
    links = phone.eval_on_selector_all("[data-error-summary] a", "links => links.map(a => a.getAttribute('href'))")
    assert {"#field-contact_phone", "#field-category", "#field-description", "#field-address"} <= set(links)
    assert len(phone.input_value("#id_description")) == 2002  # refused, not cut
    assert "请重新选择" in phone.text_content("[data-error-for=photos]")  # the photo must be chosen again
    shots(phone, "submit-refused-phone")
    assert not Appeal.objects.exists()

    # Fixing it: a community tapped on the map, a shorter text, a phone.
    phone.locator("[data-map-pick] .leaflet-interactive").first.click(force=True)
    phone.fill("#id_description", "电梯停运三天，老人上下楼困难。")
    phone.fill("#id_contact_phone", "13899912345")
    phone.select_option("#id_category", "WY-DT")
    assert phone.input_value("#id_lat")
    phone.click("form[data-form=submit] button[type=submit]")
    phone.wait_for_selector("[data-private-link]")
    shots(phone, "thanks-private-link-phone")
    appeal = Appeal.objects.get()
    assert appeal.tracking_no in phone.text_content("[data-private-link]")
