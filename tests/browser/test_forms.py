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
    phone.fill("#id_description", "电梯" * 2001)  # 4,002 characters: two too many
    assert "超出 2 字" in phone.text_content("[data-counter-for=id_description]")
    shots(phone, "submit-typed-phone")
    phone.click("form[data-form=submit] button[type=submit]")
    phone.wait_for_selector("[data-error-summary]")
    links = phone.eval_on_selector_all("[data-error-summary] a", "links => links.map(a => a.getAttribute('href'))")
    assert {"#field-contact_phone", "#field-category", "#field-description", "#field-address"} <= set(links)
    assert len(phone.input_value("#id_description")) == 4002  # refused, not cut
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


def test_a_categorys_questions_show_once_it_is_chosen(cast, live_server, browser, shots, settings):
    """Its fieldset appears (the others hide, disabled: not sent), the answers go with the request."""
    from appeals.models import Question

    settings.MAP_TILE_URL = ""
    D = Question.Datatype
    for order, code, text, datatype, more in (
        (1, "notice", "如有人被困在电梯里，请先拨打电梯内的紧急电话或119。", D.STRING, {"variable": False}),
        (2, "building", "哪栋楼、哪个单元的电梯？", D.STRING,
         {"required": True, "datatype_description": "例如：3号楼2单元"}),
        (3, "trapped", "现在有人被困吗？", D.SINGLE, {"required": True, "options": "yes=有人被困\nno=没有人被困"}),
        (4, "since", "从什么时候开始停运？", D.DATETIME, {}),
        (5, "floors", "哪些楼层停不了？", D.MULTI, {"options": "low=1–6层\nmid=7–12层\nhigh=13层以上",
                                                   "datatype_description": "可多选"}),
    ):
        Question.objects.create(category=cast.category, order=order, code=code, description=text, datatype=datatype,
                                **more)
    Question.objects.create(category=cast.category_lights, order=1, code="lamps", description="有几盏灯不亮？",
                            datatype=D.NUMBER)
    phone = browser.new_context(**{**PHONE, "viewport": {"width": 390, "height": 844}}).new_page()
    phone.goto(f"{live_server.url}/submit/")
    lift, lights = phone.locator("[data-questions-for=WY-DT]"), phone.locator("[data-questions-for=SZ-LD]")
    assert lift.is_hidden() and lights.is_hidden()  # no category chosen yet
    phone.select_option("#id_category", "SZ-LD")
    assert lights.is_visible() and lift.is_hidden()
    phone.fill("[name=answer__SZ-LD__lamps]", "3")
    phone.select_option("#id_category", "WY-DT")
    assert lift.is_visible() and lights.is_hidden()
    assert "物业管理 › 电梯故障" in lift.locator(":scope > legend").text_content()
    assert "请先拨打电梯内的紧急电话或119" in lift.text_content()
    phone.fill("#id_contact_phone", "13899912345")
    phone.locator("[name=answer__WY-DT__trapped][value=no]").check()
    phone.fill("[name=answer__WY-DT__since]", "2026-12-01T08:30")
    phone.locator("[name=answer__WY-DT__floors][value=low]").check()
    phone.locator("[name=answer__WY-DT__floors][value=high]").check()
    phone.fill("#id_description", "电梯停运三天，老人上下楼困难。")
    phone.fill("#id_address", "花城小区7号楼")
    # The required building left out: refused, said under the question, the answers kept.
    phone.click("form[data-form=submit] button[type=submit]")
    phone.wait_for_selector("[data-error-summary]")
    assert lift.is_visible() and lights.is_hidden()
    assert "哪栋楼、哪个单元的电梯？" in phone.text_content("#field-answer__WY-DT__building .error")
    assert phone.is_checked("[name=answer__WY-DT__trapped][value=no]")
    assert phone.input_value("[name=answer__WY-DT__since]") == "2026-12-01T08:30"
    assert not Appeal.objects.exists()
    shots(phone, "submit-question-refused-phone")
    phone.fill("[name=answer__WY-DT__building]", "7号楼东单元")
    # The other category's questions are disabled: not sent.
    sent = phone.evaluate("[...new FormData(document.querySelector('form[data-form=submit]')).keys()]")
    assert "answer__WY-DT__building" in sent and "answer__SZ-LD__lamps" not in sent
    lift.scroll_into_view_if_needed()
    shots(phone, "submit-questions-phone")
    phone.click("form[data-form=submit] button[type=submit]")
    phone.wait_for_selector("[data-private-link]")
    shots(phone, "thanks-after-questions-phone")
    phone.click("[data-private-link]")
    phone.wait_for_selector("[data-answers]")
    mine = phone.text_content("[data-what-i-wrote] [data-answers]")
    assert "7号楼东单元" in mine and "2026-12-01 08:30" in mine and "1–6层、13层以上" in mine
    shots(phone, "private-page-answers-phone")
    appeal = Appeal.objects.get()
    assert {k: v for k, v in appeal.answers.items() if k != "since"} == {
        "building": "7号楼东单元", "trapped": "no", "floors": ["low", "high"]}
    assert appeal.answers["since"].startswith("2026-12-01T08:30")
