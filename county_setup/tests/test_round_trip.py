"""Export → import changes nothing: the configuration a county downloads is the
workbook it may upload again."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from county_setup import workbook
from county_setup.generate import county_workbook
from county_setup.models import StaffPhone
from organisations.models import PersonalDataView

from .conftest import run, snapshot


def test_the_export_imports_again_without_a_change(cast):
    assert run(county_workbook(towns=2, communities=6, grids=12, units=8, people=15)).applied
    StaffPhone.objects.create(user=cast.handler, phone="0994-4512345")
    before = snapshot()
    outcome = run(workbook.export())
    totals = outcome.report["counts"]["totals"]
    assert outcome.applied and totals["created"] == totals["changed"] == totals["refused"] == 0
    assert totals["unchanged"] > 60
    assert snapshot() == before


def test_the_export_is_the_template_filled_in(admin_client, cast):
    response = admin_client.post("/work/setup/export.xlsx", secure=True)
    assert response.status_code == 200
    exported = load_workbook(io.BytesIO(response.content))
    template = load_workbook(io.BytesIO(workbook.template()))
    assert exported.sheetnames == template.sheetnames
    for name in template.sheetnames:
        assert [c.value for c in exported[name][1]] == [c.value for c in template[name][1]]
    nodes = [[c.value for c in row] for row in exported["行政区划"].iter_rows(min_row=2)]
    assert ["HTB-Z-HC", "花城社区", "社区/村", "HTB-Z", 44.19, 86.9] in nodes
    people = [[c.value for c in row] for row in exported["人员"].iter_rows(min_row=2)]
    assert ["handler", None, None, "承办人", None, "U-HC"] in people
    assert "admin" not in [row[0] for row in people]  # superusers stay in the Django admin
    # The phones are in full in the file: the download is logged.
    assert PersonalDataView.objects.filter(viewer=cast.admin, subject="county_setup:export").count() == 1


def test_the_export_is_not_a_get(admin_client):
    assert admin_client.get("/work/setup/export.xlsx", secure=True).status_code == 405
