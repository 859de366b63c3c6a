"""A county's administrator sets the county up from Excel: downloads the
template, fills it in, uploads it and reads the check (two rows refused,
nothing written), corrects the rows, uploads again and applies; the new
person's first-login link is on the page. The report fits a 375 px phone."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from organisations.models import Node, Role

from .conftest import DESKTOP, PHONE
from .test_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK_ZH = {**DESKTOP, "locale": "zh-CN"}  # a county's desk browses in Chinese


def _fill(template: bytes, path, *, broken: bool) -> None:
    """The template with the example rows replaced by a new community, its grid and its grid worker."""
    book = load_workbook(BytesIO(template))
    for ws in book.worksheets:
        ws.delete_rows(2)
    book["行政区划"].append(["HTB-Z-XG-G1", "新港社区第一网格", "网格", "HTB-Z-XG"])  # the child first
    book["行政区划"].append(["HTB-Z-XG", "新港社区", "社区/村", "HTB-Z" if not broken else "HTB-ZZ", 44.2, 86.91])
    book["人员"].append(["xg_grid", "李网格", "1391234567" if broken else "13912345678", "网格员", "HTB-Z-XG-G1"])
    book.save(path)


def test_template_a_refused_check_then_the_import(cast, live_server, browser, shots, tmp_path):
    admin = get_user_model().objects.create_user("countyadmin", password="pw", first_name="马主任")
    Role.objects.create(user=admin, name=Role.Name.ADMIN, node=cast.county)
    context = browser.new_context(**DESK_ZH, accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "countyadmin")
    page.goto(f"{live_server.url}/work/")
    page.click("nav.staff-nav a[href='/work/setup/']")
    page.wait_for_selector("form[data-form=upload]")
    shots(page, "setup-index")

    with page.expect_download() as download:
        page.click("[data-template-link]")
    template = open(download.value.path(), "rb").read()
    assert load_workbook(BytesIO(template)).sheetnames == ["行政区划", "承办单位", "人员", "诉求分类", "办理时限"]

    broken = tmp_path / "broken.xlsx"
    _fill(template, broken, broken=True)
    page.set_input_files("#id_workbook", str(broken))
    page.click("form[data-form=upload] button[type=submit]")
    page.wait_for_selector("[data-refused]")
    refused = page.locator("[data-line][data-outcome=refused]")
    assert refused.count() == 2, page.text_content("[data-lines]")
    text = page.text_content("[data-lines]")
    assert "行政区划 第 3 行「上级编码」列" in text and "HTB-ZZ" in text
    assert "人员 第 2 行「手机」列" in text and "1391234567" not in text  # masked
    assert page.locator("form[data-form=apply]").count() == 0
    assert not Node.objects.filter(code__startswith="HTB-Z-XG").exists()
    shots(page, "setup-refused")

    good = tmp_path / "good.xlsx"
    _fill(template, good, broken=False)
    page.goto(f"{live_server.url}/work/setup/")
    page.set_input_files("#id_workbook", str(good))
    page.click("form[data-form=upload] button[type=submit]")
    page.wait_for_selector("form[data-form=apply]")
    assert page.text_content("[data-total-created]").strip() == "3"
    shots(page, "setup-checked")
    page.click("form[data-form=apply] button[type=submit]")
    page.wait_for_selector("[data-applied]")
    assert Node.objects.get(code="HTB-Z-XG-G1").path == "/HTB/HTB-Z/HTB-Z-XG/HTB-Z-XG-G1/"
    link = page.locator("[data-link] input").input_value()
    assert "/work/setup/welcome/" in link
    assert "139****5678" in page.text_content("[data-links]")
    shots(page, "setup-applied")

    phone = browser.new_context(**PHONE).new_page()
    log_in(phone, live_server.url, "countyadmin")
    phone.goto(page.url)
    phone.wait_for_selector("[data-applied]")
    shots(phone, "setup-applied-phone")

    newcomer = browser.new_context(**PHONE).new_page()
    newcomer.goto(link)
    newcomer.fill("#id_new_password1", "Xingang-2026-wg")
    newcomer.fill("#id_new_password2", "Xingang-2026-wg")
    shots(newcomer, "setup-welcome-phone")
    newcomer.click("form[data-form=welcome] button[type=submit]")
    newcomer.wait_for_selector("form[data-form=login]")
    assert get_user_model().objects.get(username="xg_grid").check_password("Xingang-2026-wg")
