"""The micro-fund at the desk and on phones: community staff record a donation
(anonymous to the public) and propose paying for stairwell lights with a photo
of the invoice; the other committee member approves it on a phone; a resident
on a 375 px phone reads the public ledger — the balance, 匿名, the statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fund import services
from fund.models import Entry, Fund, Proposal
from organisations.models import Role

from .conftest import DESKTOP, PHONE, small_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, url, username):
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[data-form=login] button[type=submit]")
    page.wait_for_load_state()


def test_a_donation_a_proposal_its_approval_and_the_public_ledger(cast, live_server, browser, shots, tmp_path):
    users = get_user_model()
    staff = users.objects.create_user("fundstaff", password="pw", first_name="李慧")
    member = users.objects.create_user("fundmember", password="pw", first_name="张敏")
    for user in (staff, member):
        Role.objects.create(user=user, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    fund = services.open_fund(cast.community, by=staff, opened_on=timezone.localdate() - timedelta(days=30))
    fund.committee.add(staff, member)

    desk = browser.new_context(**DESKTOP).new_page()
    _login(desk, live_server.url, "fundstaff")
    desk.goto(f"{live_server.url}/work/")
    desk.click("nav.staff-nav a[href='/work/fund/']")
    desk.click(f"[data-fund='{fund.pk}'] a")
    desk.click("#donation summary")
    desk.fill("#donation_amount", "3000")
    desk.fill("#donation_donor_name", "王秀英")
    desk.select_option("#donation_donor_kind", "person")
    desk.check("#donation_anonymous")
    desk.click("form[data-form=donation] button[type=submit]")
    desk.wait_for_selector("[data-entry='1'] [data-receipt]")
    assert Fund.objects.get(pk=fund.pk).balance == 3000

    desk.click("#proposals summary")
    desk.fill("#propose_amount", "1260.5")
    desk.fill("#propose_purpose", "3号楼楼道声控灯更换")
    desk.fill("#propose_counterparty", "明亮电器维修部")
    invoice = tmp_path / "invoice.png"
    invoice.write_bytes(small_png())
    desk.set_input_files("form[data-form=propose] input[type=file]", str(invoice))
    desk.click("form[data-form=propose] button[type=submit]")
    proposal_row = desk.wait_for_selector("[data-proposal][data-state=proposed]")
    assert "须由委员会其他成员审批" in proposal_row.text_content()  # not the proposer's to approve
    shots(desk, "fund-desk")

    phone = browser.new_context(**PHONE).new_page()
    _login(phone, live_server.url, "fundmember")
    phone.goto(f"{live_server.url}/work/fund/{fund.pk}/")
    phone.wait_for_selector("[data-proposal] img")  # the invoice's photo
    phone.fill("form[data-form=decide] input[name=note]", "三月议事会通过")
    shots(phone, "fund-approve-phone")
    phone.click("form[data-form=decide] button[value=approve]")
    phone.wait_for_selector("[data-proposal][data-state=approved]")
    assert Proposal.objects.get().state == "approved"
    assert Entry.objects.get(number=2).approved_by == member

    resident = browser.new_context(**PHONE).new_page()
    resident.goto(f"{live_server.url}/fund/")
    resident.click(f"[data-fund='{fund.pk}'] a")
    resident.wait_for_selector("[data-ledger]")
    assert resident.text_content("[data-balance]").strip() == "¥1,739.50"
    assert "匿名" in resident.text_content("[data-entry='1']")
    body = resident.text_content("body")
    assert "王秀英" not in body and "张敏" not in body
    assert resident.text_content("[data-line=spending]").strip() == "−1260.50"
    shots(resident, "fund-ledger-phone")
