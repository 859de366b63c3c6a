"""Masked everywhere: the full certificate number, phones, name, guardian and
address appear on no page for anyone who has not asked; asking is a POST,
logged; the number only for a case worker. Every view of a record's page is
logged too, and the federation head alone reads that log."""

from __future__ import annotations

import re

import pytest

from care_plan.models import HomeVisit, Service
from organisations.models import PersonalDataView

from .conftest import NUMBER, PHONE, logged_in

pytestmark = pytest.mark.django_db
SECRETS = [NUMBER, NUMBER[:17], PHONE, "13900045678", "马桂香", "马建军", "花城小区5号楼2单元301室"]


def leaks(text: str) -> list[str]:
    digits = re.sub(r"[^\dX]", "", text)
    return [s for s in SECRETS if s in text] + [s for s in (NUMBER, PHONE) if s in digits]


def pages(person) -> list[str]:
    return ["/work/care-plans/", f"/work/care-plans/{person.pk}/", f"/work/care-plans/?q={person.name[:1]}",
            "/work/care-plans/?plan=open&all=1", "/work/care-plans/job-fairs/", "/work/care-plans/figures/?month=all",
            "/work/care-plans/access-log/", "/work/figures/?p=all"]


@pytest.fixture
def busy(person, worker):
    """A record with a visit and a support visit, viewed and revealed once already."""
    HomeVisit.objects.create(person=person, visited_on="2026-01-05", visitor=worker, findings="家中无障碍设施缺失")
    Service.objects.create(person=person, kind="visit", on="2026-01-05", amount="500.00")
    return person


def test_no_page_shows_the_full_number_or_contact_to_anyone_who_did_not_ask(client, cast, busy, worker, staff, head):
    for user in (worker, staff, head, cast.leader, cast.grid_worker):
        c = logged_in(client, user)
        for url in pages(busy):
            response = c.get(url, secure=True)
            assert response.status_code in (200, 403, 404), (user, url, response.status_code)
            assert not leaks(response.content.decode()), (user.username, url, leaks(response.content.decode()))
    page = logged_in(client, worker).get(f"/work/care-plans/{busy.pk}/", secure=True).content.decode()
    assert NUMBER[:3] + "*" * 13 + NUMBER[-4:] in page and "139****1234" in page and "马**" in page


def test_the_contact_shown_on_request_is_logged_field_by_field(client, busy, staff):
    c = logged_in(client, staff)
    page = c.post(f"/work/care-plans/{busy.pk}/", {"section": "reveal"}, secure=True).content.decode()
    assert PHONE in page and "马桂香" in page and "花城小区5号楼2单元301室" in page and "马建军" in page
    assert NUMBER not in page  # community staff never see the number
    fields = set(PersonalDataView.objects.filter(viewer=staff, subject=busy.subject).values_list("field", flat=True))
    assert fields == {"record", "name", "phone", "guardian", "guardian_phone", "address"}


def test_only_a_case_worker_sees_the_certificate_number_and_it_is_logged(client, cast, busy, worker, staff, head):
    for user in (staff, head):
        assert logged_in(client, user).post(f"/work/care-plans/{busy.pk}/", {"section": "certificate"},
                                            secure=True).status_code == 403
    assert not PersonalDataView.objects.filter(field="certificate").exists()
    c = logged_in(client, worker)
    assert c.get(f"/work/care-plans/{busy.pk}/?section=certificate", secure=True).content.decode().count(NUMBER) == 0
    page = c.post(f"/work/care-plans/{busy.pk}/", {"section": "certificate"}, secure=True).content.decode()
    assert NUMBER in page
    (row,) = PersonalDataView.objects.filter(field="certificate")
    assert (row.viewer, row.subject) == (worker, busy.subject)


def test_a_superuser_without_the_role_does_not_see_the_number(client, cast, busy):
    page = logged_in(client, cast.admin).post(f"/work/care-plans/{busy.pk}/", {"section": "certificate"},
                                              secure=True)
    assert page.status_code == 403


def test_every_view_of_the_record_is_logged(client, busy, worker, staff, head):
    for user in (worker, staff, head, worker):
        logged_in(client, user).get(f"/work/care-plans/{busy.pk}/", secure=True)
    views = list(PersonalDataView.objects.filter(subject=busy.subject, field="record").order_by("id")
                 .values_list("viewer__username", flat=True))
    assert views == ["caseworker", "hcstaff", "federationhead", "caseworker"]


def test_the_access_log_is_the_federation_heads_alone(client, cast, busy, far_person, worker, staff, head):
    logged_in(client, worker).post(f"/work/care-plans/{busy.pk}/", {"section": "certificate"}, secure=True)
    logged_in(client, staff).get(f"/work/care-plans/{busy.pk}/", secure=True)
    for user in (worker, staff, cast.leader, cast.supervisor):
        assert logged_in(client, user).get("/work/care-plans/access-log/", secure=True).status_code == 403
    c = logged_in(client, head)
    page = c.get("/work/care-plans/access-log/", secure=True).content.decode()
    rows = re.findall(r'<tr data-view="\d+">(.*?)</tr>', page, re.S)
    assert len(rows) == 3  # the worker's page and number, the staff's page
    assert "残疾人证号" in page and "caseworker" in page and "hcstaff" in page and "马**" in page
    assert not leaks(page)
    only = c.get(f"/work/care-plans/access-log/?viewer=hcstaff&person={busy.pk}", secure=True).content.decode()
    assert len(re.findall(r'<tr data-view=', only)) == 1
    # A view of a record out of the head's county is not theirs to read.
    PersonalDataView.objects.create(viewer=worker, subject=far_person.subject, field="record")
    page = c.get("/work/care-plans/access-log/", secure=True).content.decode()
    assert len(re.findall(r'<tr data-view=', page)) == 3


def test_the_record_page_is_the_one_get_that_writes_and_it_writes_only_its_view_log(client, person, worker):
    """tests/chaos/test_no_get_writes.py holds every other page to "a GET only reads"; this page's
    GET is the one exception the law asks for: one access-log row, and nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = logged_in(client, worker)
    with CaptureQueriesContext(connection) as queries:
        assert c.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and PersonalDataView._meta.db_table in writes[0], writes
    assert PersonalDataView.objects.filter(viewer=worker, subject=person.subject, field="record").count() == 1
