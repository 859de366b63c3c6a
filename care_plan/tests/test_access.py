"""Who sees and touches a person's record: the case worker of the place, its
community staff (reading, visiting) and the county's federation head (reading);
a case worker of another community, the cast's other roles and the public
neither see nor change it (404 as care does; 403 for a page they have no part in)."""

from __future__ import annotations

import pytest

from care_plan.models import HomeVisit, Person, PlanItem, Service

from .conftest import logged_in

pytestmark = pytest.mark.django_db

WRITES = [
    {"section": "details", "node": "", "name": "改名", "disability": "physical", "grade": "2", "address": "x"},
    {"section": "visit", "visited_on": "2026-01-05", "findings": "入户了解情况"},
    {"section": "assessment", "assessed_on": "2026-01-05", "need_device": "needed"},
    {"section": "item", "item-area": "device", "item-what": "适配轮椅"},
    {"section": "service", "kind": "visit", "on": "2026-01-05", "amount": "500"},
    {"section": "reveal"},
    {"section": "certificate"},
]


def rows() -> tuple:
    return (Person.objects.values_list("pk", "name", "node_id").order_by("pk").first(), HomeVisit.objects.count(),
            PlanItem.objects.count(), Service.objects.count())


def test_a_case_worker_of_another_community_can_neither_see_nor_touch_the_person(client, person, far_worker):
    c = logged_in(client, far_worker)
    assert c.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == 404
    before = rows()
    for body in WRITES:
        assert c.post(f"/work/care-plans/{person.pk}/", body, secure=True).status_code == 404, body
    assert rows() == before
    listed = c.get("/work/care-plans/", secure=True).content.decode()
    assert f'data-person="{person.pk}"' not in listed and "马*" not in listed
    assert c.get(f"/work/care-plans/?q={person.certificate}", secure=True).content.decode().count("data-person=") == 0


def test_the_case_worker_of_the_place_sees_and_keeps_the_record(client, person, worker):
    c = logged_in(client, worker)
    assert c.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == 200
    response = c.post(f"/work/care-plans/{person.pk}/", {"section": "item", "item-area": "device",
                                                         "item-what": "适配轮椅"}, secure=True)
    assert response.status_code == 302
    assert PlanItem.objects.get(person=person).what == "适配轮椅"


def test_community_staff_read_and_visit_but_keep_no_plan(client, person, staff):
    c = logged_in(client, staff)
    page = c.get(f"/work/care-plans/{person.pk}/", secure=True).content.decode()
    assert 'data-form="care-plan-visit"' in page and 'data-form="care-plan-item"' not in page
    assert "data-reveal-certificate" not in page
    before = rows()
    for body in WRITES:
        if body["section"] in ("visit", "reveal"):
            continue
        assert c.post(f"/work/care-plans/{person.pk}/", body, secure=True).status_code == 403, body
    assert rows() == before
    response = c.post(f"/work/care-plans/{person.pk}/", {"section": "visit", "visited_on": "2026-01-05",
                                                         "findings": "入户了解情况"}, secure=True)
    assert response.status_code == 302 and HomeVisit.objects.get(person=person).visitor == staff


def test_the_federation_head_reads_every_record_of_the_county_and_changes_none(client, person, far_person, head):
    c = logged_in(client, head)
    assert c.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == 200
    assert c.get(f"/work/care-plans/{far_person.pk}/", secure=True).status_code == 404  # the other city
    listed = c.get("/work/care-plans/", secure=True).content.decode()
    assert f'data-person="{person.pk}"' in listed and f'data-person="{far_person.pk}"' not in listed
    before = rows()
    assert c.post(f"/work/care-plans/{person.pk}/", WRITES[3], secure=True).status_code == 403
    assert c.post(f"/work/care-plans/{person.pk}/", {"section": "certificate"}, secure=True).status_code == 403
    assert rows() == before


@pytest.mark.parametrize("role", ["resident", "grid_worker", "handler", "dispatcher", "supervisor", "leader",
                                  "outsider"])
def test_the_casts_other_roles_see_no_record(client, cast, person, role):
    c = logged_in(client, getattr(cast, role))
    assert c.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == 404
    for url in ("/work/care-plans/", "/work/care-plans/new/", "/work/care-plans/access-log/",
                "/work/care-plans/figures/", "/work/care-plans/job-fairs/"):
        assert c.get(url, secure=True).status_code == 403, url


def test_the_public_is_sent_to_sign_in(client, person):
    for url in ("/work/care-plans/", f"/work/care-plans/{person.pk}/", "/work/care-plans/access-log/"):
        response = client.get(url, secure=True)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_case_worker_registers_only_where_they_work(client, cast, worker):
    c = logged_in(client, worker)
    response = c.post("/work/care-plans/new/", {"node": cast.other_community.pk, "name": "赵六", "disability":
                                                "physical", "grade": "2", "address": "北京南路1号"}, secure=True)
    assert response.status_code == 400 and not Person.objects.exists()


def test_the_nav_link_shows_to_those_who_use_the_care_plans(client, cast, worker, staff, head):
    for user in (worker, staff, head):
        page = logged_in(client, user).get("/work/care-plans/", secure=True).content.decode()
        assert 'href="/work/care-plans/" aria-current="page"' in page
    page = logged_in(client, cast.dispatcher).get("/work/", secure=True).content.decode()
    assert 'href="/work/care-plans/"' not in page


def test_a_case_worker_signs_in_to_the_care_plans_and_is_not_offered_the_request_dashboard(client, cast, worker, head):
    for user in (worker, head):
        client.logout()
        user.set_password("pw")
        user.save()
        response = client.post("/login/", {"username": user.username, "password": "pw"}, secure=True)
        assert response.status_code == 302 and response["Location"] == "/work/care-plans/", user
        page = client.get("/work/care-plans/", secure=True).content.decode()
        assert 'href="/work/care-plans/"' in page and 'href="/work/figures/"' not in page
    client.logout()
    client.force_login(cast.leader)
    assert 'href="/work/figures/"' in client.get("/work/", secure=True).content.decode()
    client.logout()
    response = client.post("/login/", {"username": cast.leader.username, "password": "pw"}, secure=True)
    assert response["Location"] == "/work/"
