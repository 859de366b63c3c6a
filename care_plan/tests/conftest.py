"""One person, one plan beside the shared cast (conftest.Cast): a case worker,
community staff and the federation head of 呼图壁县, a case worker of the other
city, a person of 花城小区 with a certificate and a person of 北京南路社区."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from care_plan import crypto
from care_plan.models import DISABILITY_DIGIT, Person
from organisations.models import Role

R = Role.Name
NUMBER = "65239919580314123" + crypto.check_char("65239919580314123") + "42"  # 肢体, 二级
PHONE = "13900041234"


def certificate(first17: str, disability: str = "physical", grade: str = "2") -> str:
    return first17 + crypto.check_char(first17) + DISABILITY_DIGIT[disability] + grade


def user_with(username: str, role: str, node):
    user = get_user_model().objects.create_user(username, password="pw", first_name=username)
    Role.objects.create(user=user, name=role, node=node)
    return user


@pytest.fixture
def worker(cast):
    """The case worker (残联专干) of 花城社区."""
    return user_with("caseworker", R.CASE_WORKER, cast.community)


@pytest.fixture
def far_worker(cast):
    """The case worker of 北京南路社区, in the other city."""
    return user_with("farworker", R.CASE_WORKER, cast.other_community)


@pytest.fixture
def staff(cast):
    return user_with("hcstaff", R.COMMUNITY_STAFF, cast.community)


@pytest.fixture
def head(cast):
    """The head of 呼图壁县's federation (残联负责人)."""
    return user_with("federationhead", R.FEDERATION_HEAD, cast.county)


def make_person(node, *, name="马桂香", number=NUMBER, phone=PHONE, **fields) -> Person:
    values = {"disability": "physical", "grade": "2", "address": "花城小区5号楼2单元301室", "guardian": "马建军",
              "guardian_phone": "13900045678", "birth_year": 1958}
    values.update(fields)
    person = Person(node=node, name=name, phone=phone, **values)
    if number:
        person.set_certificate(number)
    person.save()
    return person


@pytest.fixture
def person(cast) -> Person:
    return make_person(cast.compound)


@pytest.fixture
def far_person(cast) -> Person:
    return make_person(cast.other_community, name="古丽娜", number=certificate("65239919900101456", "hearing", "3"),
                       phone="13900049876", disability="hearing", grade="3", address="北京南路12号")


def logged_in(client, user):
    client.force_login(user)
    return client


def jpeg_with_gps() -> SimpleUploadedFile:
    """A JPEG carrying an EXIF GPS position, as a phone takes it."""
    from PIL import Image

    image = Image.new("RGB", (40, 30), (120, 90, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (44.0, 11.0, 30.0), 3: "E", 4: (86.0, 54.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("visit.jpg", out.getvalue(), content_type="image/jpeg")
