"""Bad input on every form of the care plan pages: a clear Chinese sentence
by the field, a 400, nothing written (not half of it), never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from care_plan.models import Assessment, HomeVisit, JobFair, Person, PlanItem, Service, VisitPhoto
from tests.chaos.conftest import png_upload

from .conftest import NUMBER, certificate, jpeg_with_gps, logged_in

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    return tuple(m.objects.count() for m in (Person, HomeVisit, VisitPhoto, Assessment, PlanItem, Service, JobFair))


def new_person(cast, **overrides) -> dict:
    data = {"node": cast.compound.pk, "name": "张三", "disability": "physical", "grade": "2",
            "certificate": certificate("65239919700202321"), "phone": "13900041111", "address": "花城小区1号楼"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("field", "value", "message"), [
    ("certificate", "6523991970", "残疾人证号为20位"),
    ("certificate", NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2") + "42", "第18位"),
    ("certificate", certificate("65239919700202321", "vision", "2"), "残疾类别"),
    ("certificate", certificate("65239919700202321", "physical", "1"), "残疾等级"),
    ("phone", "12345", "手机号"),
    ("birth_year", "1850", "出生年份"),
    ("node", "999999", ""),
    ("disability", "wings", ""),
    ("name", "", ""),
])
def test_a_wrong_registration_is_refused_by_the_field(client, cast, worker, field, value, message):
    before = counts()
    response = logged_in(client, worker).post("/work/care-plans/new/", new_person(cast, **{field: value}), secure=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-error-for="{field}"' in page
    assert message in page
    assert counts() == before
    assert value not in page or field not in ("certificate",)  # the number typed is never written back


def test_a_good_registration_encrypts_the_number(client, cast, worker):
    response = logged_in(client, worker).post("/work/care-plans/new/", new_person(cast, certificate=" 6523 9919 7002 "
                                              "0232 1" + certificate("65239919700202321")[17:]), secure=True)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.certificate == certificate("65239919700202321") and person.created_by == worker


def test_a_visit_with_a_bad_photo_is_not_half_saved(client, person, worker):
    c = logged_in(client, worker)
    url = f"/work/care-plans/{person.pk}/"
    bad = png_upload()
    bad.file.write(b"")  # a real PNG first, then a text file calling itself a photo
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    before = counts()
    response = c.post(url, {"section": "visit", "visited_on": timezone.localdate().isoformat(), "findings": "入户",
                            "photos": [png_upload(), fake]}, secure=True)
    assert response.status_code == 400 and "无法识别" in response.content.decode()
    assert counts() == before
    ahead = c.post(url, {"section": "visit", "visited_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
                         "findings": "入户"}, secure=True)
    assert ahead.status_code == 400 and "这个日期还没到" in ahead.content.decode()
    assert counts() == before


def test_a_visits_photo_loses_its_location_and_is_served_only_to_those_who_see_the_record(client, person, worker,
                                                                                          far_worker, head):
    from PIL import Image

    c = logged_in(client, worker)
    response = c.post(f"/work/care-plans/{person.pk}/", {"section": "visit", "findings": "家中地面湿滑",
                                                         "visited_on": timezone.localdate().isoformat(),
                                                         "photos": [jpeg_with_gps()]}, secure=True)
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    with photo.image.open("rb") as f:
        assert 0x8825 not in Image.open(f).getexif()
    url = f"/work/care-plans/{person.pk}/photos/{photo.token}/"
    assert c.get(url, secure=True).status_code == 200
    assert logged_in(client, head).get(url, secure=True).status_code == 200
    assert logged_in(client, far_worker).get(url, secure=True).status_code == 404
    assert logged_in(client, worker).get(f"/work/care-plans/{person.pk}/photos/{'0' * 24}/",
                                         secure=True).status_code == 404
    client.logout()
    assert client.get(url, secure=True).status_code == 302
    photo.image.delete(save=False)


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"kind": "visit", "amount": ""}, "amount", "慰问金额"),
    ({"kind": "visit", "amount": "abc"}, "amount", ""),
    ({"kind": "visit", "amount": "12.345"}, "amount", ""),
    ({"kind": "visit", "amount": "-5"}, "amount", ""),
    ({"kind": "visit", "amount": "0"}, "amount", ""),
    ({"kind": "visit", "amount": "NaN"}, "amount", ""),
    ({"kind": "visit", "amount": "1e30"}, "amount", ""),
    ({"kind": "device", "detail": ""}, "detail", "辅具"),
    ({"kind": "rehab", "amount": "100"}, "amount", "只有走访慰问"),
    ({"kind": "job_fair"}, "fair", "招聘会"),
    ({"kind": "placement"}, "detail", "用人单位"),
    ({"kind": "visit", "amount": "100", "on": "2099-01-01"}, "on", "这个日期还没到"),
    ({"kind": "visit", "amount": "100", "on": "yesterday"}, "on", ""),
    ({"kind": "teleport"}, "kind", ""),
])
def test_a_wrong_service_is_refused_by_the_field(client, person, worker, body, field, message):
    before = counts()
    data = {"section": "service", "on": timezone.localdate().isoformat(), **body}
    response = logged_in(client, worker).post(f"/work/care-plans/{person.pk}/", data, secure=True)
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert f'data-error-for="{field}"' in page and message in page
    assert counts() == before


def test_a_wrong_assessment_or_item_or_fair_is_refused(client, person, worker):
    c = logged_in(client, worker)
    url = f"/work/care-plans/{person.pk}/"
    before = counts()
    for body in ({"section": "assessment", "assessed_on": timezone.localdate().isoformat()},
                 {"section": "assessment", "assessed_on": "2026-02-30", "need_device": "needed"},
                 {"section": "assessment", "assessed_on": timezone.localdate().isoformat(), "detail_income": "补贴"},
                 {"section": "item", "item-area": "device", "item-what": ""},
                 {"section": "item", "item-area": "flying", "item-what": "x"},
                 {"section": "nonsense"}):
        assert c.post(url, body, secure=True).status_code == 400, body
    assert c.post("/work/care-plans/job-fairs/", {"node": "", "title": "", "held_on": "x"},
                  secure=True).status_code == 400
    assert counts() == before


def test_garbage_anywhere_is_never_a_server_error(client, cast, person, worker, head):
    c = logged_in(client, worker)
    for url in ("/work/care-plans/?page=abc&disability=x&grade=9&community=nope&plan=zzz&q=%00",
                "/work/care-plans/?q=" + "9" * 40, "/work/care-plans/figures/?month=2026-13&scope=NO%00PE",
                "/work/care-plans/figures/?month=abc&export=xlsx", "/work/care-plans/job-fairs/?page=-1"):
        assert c.get(url, secure=True).status_code < 500, url
    h = logged_in(client, head)
    for url in ("/work/care-plans/access-log/?person=abc&viewer=%00&page=99",
                "/work/care-plans/figures/?scope=CJ&month=all"):
        assert h.get(url, secure=True).status_code < 500, url
