"""The leaders' dashboard as people see it: the headline in the article's words,
the figures with their raw counts, the click-through and the Excel tables."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from appeals import services

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _history(cast):
    for _ in range(3):
        cast.appeal_in("replied")
    cast.appeal_in("submitted")
    dissatisfied = cast.appeal_in("replied")
    services.evaluate(dissatisfied, actor=cast.fresh(cast.resident), rating="dissatisfied")
    return dissatisfied


def test_a_leader_sees_the_headline_and_every_rate_with_its_counts(cast):
    _history(cast)
    page = _client(cast.leader).get("/work/figures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "共收到诉求5件，已答复4件，" in html and "<strong>80.0%</strong>" in html
    assert "4 / 5" in html  # the reply rate's numerator and denominator
    assert "0 / 1" in html  # satisfaction: one evaluation, dissatisfied
    assert "呼图壁县" in html and "花城社区居委会" in html
    assert "13899912345" not in html  # no personal data on the figures


def test_no_denominator_shows_a_dash_not_zero(cast):
    cast.appeal_in("submitted")
    html = _client(cast.leader).get("/work/figures/").content.decode()
    assert 'data-rate="satisfaction_rate"' in html
    start = html.index('data-rate="satisfaction_rate"')
    assert '<span class="figure-value">—</span>' in html[start:start + 400]


def test_a_figure_clicks_through_to_its_requests(cast):
    dissatisfied = _history(cast)
    client = _client(cast.leader)
    listed = client.get(f"/work/figures/requests/?scope={cast.county.pk}&p=month&figure=dissatisfied")
    assert listed.status_code == 200
    html = listed.content.decode()
    assert dissatisfied.tracking_no in html and html.count('class="card" data-appeal=') == 1
    replied = client.get(f"/work/figures/requests/?scope={cast.county.pk}&p=month&figure=replied").content.decode()
    assert replied.count('class="card" data-appeal=') == 4
    by_unit = client.get(f"/work/figures/requests/?scope={cast.county.pk}&p=month&figure=dispatched"
                         f"&unit={cast.department.pk}").content.decode()
    assert by_unit.count('class="card" data-appeal=') == 0


def test_the_units_table_exports_to_excel_with_its_title_rows(cast):
    _history(cast)
    response = _client(cast.leader).get(f"/work/figures/?scope={cast.county.pk}&p=month&export=units")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "承办单位排名" and "呼图壁县" in rows[1][0] and rows[2][0].startswith("导出时间")
    header = rows[4]
    assert header[0] == "单位/区域" and "答复办结率 (%)" in header
    office = next(r for r in rows[5:] if r[0] == "花城社区居委会")
    at = header.index("答复办结率 (%)")
    assert office[at] == 100.0 and office[at + 1] == 4 and office[at + 2] == 4
    assert office[header.index("收到")] == 4


def test_a_handler_sees_their_unit_a_resident_nothing(cast):
    cast.appeal_in("replied")
    handler = _client(cast.handler)
    html = handler.get("/work/figures/").content.decode()
    assert "花城社区居委会" in html
    refused = handler.get(f"/work/figures/?scope={cast.county.pk}")
    assert refused.status_code == 200 and "您无权查看这个范围的统计数据。" in refused.content.decode()
    assert _client(cast.resident).get("/work/figures/").status_code == 403
    assert Client().get("/work/figures/").status_code == 302


def test_bad_choices_get_a_message_and_the_default(cast):
    html = _client(cast.leader).get("/work/figures/?p=custom&from=2026-13-40&category=NOPE").content.decode()
    assert "日期无法识别" in html and "没有这个分类" in html


def test_a_running_period_is_compared_with_the_same_days_before():
    from datetime import date

    from analysis.periods import preset

    month = preset("month", date(2026, 12, 10))
    assert month.previous(date(2026, 12, 10)) == type(month)("previous", date(2026, 11, 1), date(2026, 11, 10))
    last = preset("last_month", date(2026, 12, 10))
    assert last.previous(date(2026, 12, 10)) == type(last)("previous", date(2026, 10, 1), date(2026, 10, 31))
    year = preset("year", date(2026, 3, 1))
    assert year.previous(date(2026, 3, 1)).end == date(2025, 3, 1)


def test_a_long_unit_ranking_shows_its_first_rows_then_all(cast, monkeypatch):
    from analysis import views

    _history(cast)
    services.dispatch(cast.appeal_in("registered"), actor=cast.fresh(cast.dispatcher), unit=cast.department.pk)
    monkeypatch.setattr(views, "RANKING_ROWS", 1)
    client = _client(cast.leader)
    first = client.get("/work/figures/").content.decode()
    table = first[first.index("承办单位排名"):first.index("data-units-left-off")]
    assert table.count('<tr class') + table.count("<tr>") - 1 == 1  # one unit's row under the header
    assert "再显示 2 个单位" in first  # the other office, and the requests not dispatched yet
    every = client.get("/work/figures/?units=all").content.decode()
    assert "呼图壁县城管局" in every and "花城社区居委会" in every and "data-units-left-off" not in every
