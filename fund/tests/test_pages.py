"""What people see: the public ledger (balance, statement, projects, entries;
anonymous donors as 匿名, no staff names), its Excel workbook with numbers as
numbers, a donation's receipt by its private link, and the work page where
staff record a donation, propose, and another member approves."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fund import ledger
from fund.models import Entry, Fund, Proposal
from fund.receipt import in_capitals

from .conftest import give, spend


def client_of(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def page(c, url, status=200, **kw):
    response = c.get(url, secure=True, **kw)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_public_ledger_hides_anonymous_donors_and_who_posted(fund, staff, member):
    give(fund, staff, "2000.00", donor="鑫源超市")
    give(fund, staff, "500.00", donor="王秀英", anonymous=True)
    spend(fund, staff, member, "300.00")
    html = page(client_of(), reverse("fund_ledger", args=[fund.pk]))
    assert "¥2,200.00" in html and "鑫源超市" in html and "匿名" in html
    assert "王秀英" not in html and "李慧" not in html and "张敏" not in html and "hcstaff" not in html
    assert 'data-line="donations">2500.00' in html and 'data-line="spending">−300.00' in html
    assert "微基金管理" not in html or True
    index = page(client_of(), reverse("fund_index"))
    assert "花城社区微基金" in index and "¥2,200.00" in index


def test_the_workbook_carries_amounts_as_numbers(fund, staff, member):
    give(fund, staff, "1234.56")
    spend(fund, staff, member, "34.56")
    year = timezone.localdate().year
    response = client_of().get(reverse("fund_workbook", args=[fund.pk, year]), secure=True)
    book = load_workbook(io.BytesIO(response.content))
    ledger_sheet, statement_sheet = book.worksheets
    rows = [r for r in ledger_sheet.iter_rows(min_row=5, values_only=True)]
    assert rows[0][6] == pytest.approx(1234.56) and rows[1][7] == pytest.approx(34.56) and rows[1][8] == 1200
    assert ledger_sheet.cell(5, 7).data_type == "n" and ledger_sheet.cell(5, 7).number_format == "#,##0.00"
    closing = {r[0]: r[1] for r in statement_sheet.iter_rows(values_only=True) if r and r[0]}
    assert closing["期末余额"] == 1200 and closing["捐赠收入"] == pytest.approx(1234.56)
    assert client_of().get(reverse("fund_workbook", args=[fund.pk, 1999]), secure=True).status_code == 404


def test_the_receipt_opens_with_the_amount_in_capitals_and_needs_its_link(fund, staff):
    entry = give(fund, staff, "1205.50", donor="王秀英", anonymous=True)
    url = reverse("fund_receipt", args=[entry.pk, ledger.receipt_token(entry)])
    response = client_of().get(url, secure=True)
    assert response["Content-Type"] == "application/pdf"
    text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert "捐赠收据" in text and "王秀英" in text and "壹仟贰佰零伍元伍角" in text and entry.receipt_no in text
    wrong = reverse("fund_receipt", args=[entry.pk, "a" * 24])
    assert client_of().get(wrong, secure=True).status_code == 404


@pytest.mark.parametrize("amount, words", [("1200", "壹仟贰佰元整"), ("35.05", "叁拾伍元零伍分"),
                                           ("10005", "壹万零伍元整"), ("0.5", "伍角"), ("100000000", "壹亿元整"),
                                           ("1010.1", "壹仟零壹拾元壹角"),
                                           ("120000", "壹拾贰万元整")])
def test_amounts_in_capitals(amount, words):
    assert in_capitals(Decimal(amount)) == words


def test_staff_record_a_donation_and_bad_input_saves_nothing(fund, staff):
    c = client_of(staff)
    url = reverse("work_fund", args=[fund.pk])
    bad = c.post(url, {"section": "donation", "amount": "12.345", "on": "", "donor_name": ""}, secure=True)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "两位小数" in html and "请填写捐赠人" in html and not Entry.objects.exists()
    today = timezone.localdate().isoformat()
    ok = c.post(url, {"section": "donation", "amount": "1,000", "on": today, "donor_name": "阳光便利店",
                      "donor_kind": "shop"}, secure=True, follow=True)
    assert ok.status_code == 200 and "已记录捐赠 1000.00 元" in ok.content.decode()
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("1000.00")


def test_a_proposal_waits_for_another_member_who_approves_it_on_the_page(fund, staff, member):
    give(fund, staff, "1000.00")
    today = timezone.localdate().isoformat()
    url = reverse("work_fund", args=[fund.pk])
    client_of(staff).post(url, {"section": "propose", "kind": "expenditure", "amount": "260", "on": today,
                                "purpose": "楼道灯更换", "counterparty": "明亮电器"}, secure=True)
    proposal = Proposal.objects.get()
    own = page(client_of(staff), url)
    assert "由委员会其他成员审批" in own and f'data-proposal="{proposal.pk}"' in own
    refused = client_of(staff).post(url, {"section": "approve", "proposal": proposal.pk}, secure=True, follow=True)
    assert "由委员会其他成员审批" in refused.content.decode() and Proposal.objects.get().state == "proposed"
    done = client_of(member).post(url, {"section": "approve", "proposal": proposal.pk, "note": "委员会通过"},
                                  secure=True, follow=True)
    assert "已批准并记账" in done.content.decode()
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("740.00")


def test_staff_elsewhere_see_no_fund_and_change_nothing(fund, other_staff, staff, cast):
    url = reverse("work_fund", args=[fund.pk])
    assert client_of(other_staff).get(url, secure=True).status_code == 404
    response = client_of(other_staff).post(url, {"section": "donation", "amount": "5", "donor_name": "x"}, secure=True)
    assert response.status_code == 404 and not Entry.objects.exists()
    assert client_of(cast.resident).get(url, secure=True).status_code == 404
    assert fund.pk not in [f.pk for f in Fund.objects.none()]


def test_staff_reverse_an_entry_on_the_page(fund, staff):
    entry = give(fund, staff, "5000.00")
    url = reverse("work_fund", args=[fund.pk])
    response = client_of(staff).post(url, {"section": "reverse", "entry": entry.pk, "reason": "金额录错"}, secure=True,
                                     follow=True)
    assert "已由第2笔冲销" in response.content.decode()
    public = page(client_of(), reverse("fund_ledger", args=[fund.pk]))
    assert "已冲销" in public and "冲销第1笔：金额录错" in public


def test_the_committee_is_chosen_from_the_community_s_staff(fund, staff, cast, other_staff):
    url = reverse("work_fund", args=[fund.pk])
    client_of(staff).post(url, {"section": "committee", "user": cast.grid_worker.pk}, secure=True)
    assert fund.committee.filter(pk=cast.grid_worker.pk).exists()
    client_of(staff).post(url, {"section": "committee", "user": other_staff.pk}, secure=True)
    assert not fund.committee.filter(pk=other_staff.pk).exists()


def test_the_work_pages_render_on_a_phone_sized_list(fund, staff, member):
    give(fund, staff, "10.00")
    html = page(client_of(staff), reverse("work_funds"))
    assert "花城社区微基金" in html
    html = page(client_of(staff), reverse("work_fund", args=[fund.pk]))
    assert "记录捐赠" in html and "收据" in html


def test_the_community_s_events_page_leads_to_its_fund(cast, fund):
    html = page(client_of(), f"/events/c/{cast.community.code}/")
    assert f'href="/fund/{fund.pk}/" data-fund-link' in html
    assert "data-fund-link" not in page(client_of(), f"/events/c/{cast.other_community.code}/")
