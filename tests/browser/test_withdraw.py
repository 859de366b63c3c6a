"""A resident without an account withdraws a request on a 375px phone,
from the private link the text message brought: a wrong link shows nothing."""

from __future__ import annotations

import pytest

from appeals import residents, services
from appeals.models import Appeal, Status

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_withdraws_a_request_from_the_private_link(cast, live_server, browser, shots):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)
    services.register(appeal, actor=cast.fresh(cast.dispatcher))

    phone = browser.new_context(**PHONE).new_page()
    wrong = phone.goto(f"{live_server.url}/track/{appeal.tracking_no}/{'a' * 24}/")
    assert wrong.status == 404 and "没有找到" in phone.content()  # the app's own page, in Chinese
    shots(phone, "wrong-link-phone")

    phone.goto(live_server.url + residents.private_path(appeal))
    phone.wait_for_selector("article.track[data-status=registered]")
    link = phone.locator("[data-go=withdraw]")
    assert link.text_content().strip() == "撤回诉求"
    shots(phone, "track-private-registered-phone")

    link.click()
    phone.wait_for_selector("form[data-form=withdraw]")
    phone.fill("#id_reason", "邻居已经帮忙联系物业修好了")
    shots(phone, "withdraw-filled-phone")
    phone.click("form[data-form=withdraw] button[type=submit]")
    phone.wait_for_selector("article.track[data-status=withdrawn]")
    assert "您的诉求已撤回" in phone.text_content(".message-success")
    assert phone.locator("[data-go=withdraw]").count() == 0
    assert "13899912345" not in phone.content()
    shots(phone, "track-withdrawn-phone")

    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN
    event = Appeal.objects.get(pk=appeal.pk).events.get(action="withdraw")
    assert event.actor is None and event.note == "邻居已经帮忙联系物业修好了"
    public = phone.eval_on_selector_all(".timeline li", "items => items.map(i => i.dataset.action)")
    assert public == ["submit", "register", "withdraw"]
