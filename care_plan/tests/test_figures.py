"""The figures, counted by hand: per community and in total, for a period; the
support money an exact Decimal from the form to the database, the figures, the
page and the Excel monthly report (a numeric cell in yuan, never text); the
same table on the leaders' dashboard and its export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from care_plan.figures import figures
from care_plan.models import HomeVisit, JobFair, Service

from .conftest import certificate, logged_in, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast, person):
    """花城社区: two people; the other city: one. The county held a job fair, the other city another."""
    second = make_person(cast.grid, name="李强", number=certificate("65239919800505111"), phone="13900041112")
    far = make_person(cast.other_community, name="古丽", number=certificate("65239919900101456", "hearing", "3"),
                      disability="hearing", grade="3")
    may, june = date(2026, 5, 20), date(2026, 6, 3)
    fair = JobFair.objects.create(node=cast.county, held_on=june, title="县残联专场招聘会")
    JobFair.objects.create(node=cast.other_community, held_on=june, title="别处的招聘会")
    for p, day in ((person, june), (person, june), (second, june), (second, may), (far, june)):
        HomeVisit.objects.create(person=p, visited_on=day, findings="x")
    rows = [
        (person, "device", june, {"detail": "助听器", "quantity": 2}), (second, "device", june, {"detail": "轮椅"}),
        (person, "rehab", june, {}), (person, "rehab", june, {}), (second, "rehab", may, {}),
        (second, "job_fair", june, {"fair": fair}), (second, "placement", june, {"detail": "超市理货员"}),
        (person, "accessibility", june, {"detail": "扶手"}),
        (person, "visit", june, {"amount": Decimal("1000.10")}), (person, "visit", june, {"amount": Decimal("0.20")}),
        (second, "visit", june, {"amount": Decimal("333.33")}), (second, "visit", may, {"amount": Decimal("99.99")}),
        (far, "visit", june, {"amount": Decimal("500.00")}), (far, "device", june, {"detail": "助听器"}),
    ]
    for p, kind, day, extra in rows:
        Service.objects.create(person=p, kind=kind, on=day, **extra)
    return cast


def test_the_figures_of_june_by_hand(records):
    total, rows = figures(records.county, date(2026, 6, 1), date(2026, 6, 30))
    by_node = {f.node.code: f for f in rows}
    assert set(by_node) == {"HTB", "HTB-Z-HC"}  # the county's own job fair has its row
    hc = by_node["HTB-Z-HC"]
    assert (hc.visits, hc.visited, hc.devices, hc.rehab_people, hc.rehab_sessions, hc.fair_attendance,
            hc.placements, hc.accessibility, hc.households) == (3, 2, 3, 1, 2, 1, 1, 1, 2)
    assert hc.support == Decimal("1333.63") and isinstance(hc.support, Decimal)
    assert by_node["HTB"].job_fairs == 1 and hc.job_fairs == 0
    assert (total.job_fairs, total.devices, total.support) == (1, 3, Decimal("1333.63"))
    everything, _rows = figures(records.county, None, None)
    assert (everything.visits, everything.rehab_people, everything.rehab_sessions, everything.households,
            everything.support) == (4, 2, 3, 2, Decimal("1433.62"))


def test_a_support_amount_stays_exact_from_the_form_to_the_report(client, cast, person, worker):
    c = logged_in(client, worker)
    today = timezone.localdate().isoformat()
    for amount in ("0.10", "0.20", "1234.56"):
        assert c.post(f"/work/care-plans/{person.pk}/", {"section": "service", "kind": "visit", "on": today,
                                                         "amount": amount}, secure=True).status_code == 302
    assert sorted(Service.objects.values_list("amount", flat=True)) == [Decimal("0.10"), Decimal("0.20"),
                                                                         Decimal("1234.56")]
    total, _rows = figures(cast.community, None, None)
    assert total.support == Decimal("1234.86")
    page = c.get(f"/work/care-plans/{person.pk}/", secure=True).content.decode()
    assert "¥1,234.86" in page
    url = f"/work/care-plans/figures/?scope={cast.community.code}&month=all&export=xlsx"
    response = logged_in(client, cast.fresh(worker)).get(url, secure=True)
    sheet = load_workbook(BytesIO(response.content)).active
    total_row = next(r for r in sheet.iter_rows(min_row=7) if r[0].value == "合计")
    amount = total_row[-1]
    assert amount.data_type == "n" and amount.value == pytest.approx(1234.86) and "0.00" in amount.number_format
    assert "¥" in amount.number_format
    assert str(amount.value) == "1234.86"  # written as the decimal, not a binary float's long tail


def test_the_monthly_report_has_the_layout_of_the_report(client, records, worker):
    response = logged_in(client, worker).get("/work/care-plans/figures/?month=2026-06&export=xlsx", secure=True)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(BytesIO(response.content)).active
    assert "月报" in sheet["A1"].value
    assert "2026-06" in " ".join(str(c.value) for c in sheet[2] if c.value)
    assert [c.value for c in sheet[5]][:3] == ["社区", "入户访视", None]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=7, max_row=sheet.max_row)]
    line = next(r for r in body if r[0] == "花城社区")
    assert line[1:] == [3, 2, 3, 1, 2, 0, 1, 1, 1, 2, pytest.approx(1333.63)]
    assert all(isinstance(v, int | float) for v in line[1:])
    assert "填表人" in " ".join(str(v) for r in body for v in r if v)


def test_the_case_workers_figures_page_shows_their_scope_only(client, records, worker, head):
    page = logged_in(client, worker).get("/work/care-plans/figures/?month=2026-06", secure=True).content.decode()
    assert 'data-community="HTB-Z-HC"' in page and 'data-community="CJ-YA-BJ"' not in page
    refused = logged_in(client, worker).get("/work/care-plans/figures/?month=2026-06&scope=CJ",
                                            secure=True).content.decode()
    assert 'data-community="CJ-YA-BJ"' not in refused
    page = logged_in(client, head).get("/work/care-plans/figures/?month=2026-06", secure=True).content.decode()
    assert 'data-community="HTB"' in page and "1,333.63" in page


def test_the_leaders_dashboard_shows_the_care_plans_and_exports_them(client, records):
    c = logged_in(client, records.leader)
    page = c.get("/work/figures/?p=custom&from=2026-06-01&to=2026-06-30", secure=True).content.decode()
    section = page.split("data-care-plan>")[1].split("</section>")[0]
    row = section.split('data-community="HTB-Z-HC"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    # visits, devices, in rehabilitation, job fairs, newly employed, homes, households, support
    assert cells == ["3", "3", "1", "0", "1", "1", "2", "1,333.63"]
    assert 'data-community="CJ-YA-BJ"' not in section and "马" not in section  # no name on the dashboard
    response = c.get("/work/figures/?p=custom&from=2026-06-01&to=2026-06-30&export=care_plan", secure=True)
    sheet = load_workbook(BytesIO(response.content)).active
    line = next([c.value for c in r] for r in sheet.iter_rows(min_row=7) if r[0].value == "合计")
    assert line[-1] == pytest.approx(1333.63) and line[6] == 1
