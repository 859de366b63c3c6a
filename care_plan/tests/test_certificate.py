"""The certificate number at rest: encrypted (the table holds no plain number,
read with raw SQL), unique by its keyed digest, found by it, readable with the
keys of CARE_PLAN_KEY (a new key in front keeps the old rows and lookups)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from care_plan import crypto
from care_plan.models import Person

from .conftest import NUMBER, certificate, logged_in, make_person

pytestmark = pytest.mark.django_db


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table}")
        return cursor.fetchall()


def test_the_table_holds_no_plain_certificate_number(person):
    dumped = " ".join(str(value) for row in raw_rows() for value in row)
    assert NUMBER not in dumped and NUMBER[:17] not in dumped and NUMBER[-8:] not in dumped
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT certificate_cipher, certificate_digest FROM {Person._meta.db_table}")
        cipher, digest = cursor.fetchone()
    assert cipher.startswith("gAAAA") and len(digest) == 64
    assert Person.objects.get(pk=person.pk).certificate == NUMBER


def test_the_digest_finds_the_person_and_refuses_a_second_registration(client, cast, person, worker):
    assert list(Person.objects.with_certificate(NUMBER.lower())) == [person]  # the x of an identity number as x
    listed = logged_in(client, worker).get(f"/work/care-plans/?q={NUMBER}", secure=True).content.decode()
    assert f'data-person="{person.pk}"' in listed and NUMBER not in listed
    response = client.post("/work/care-plans/new/", {"node": cast.compound.pk, "name": "张三", "disability": "physical",
                                                      "grade": "2", "certificate": NUMBER, "address": "花城小区1号楼"},
                           secure=True)
    assert response.status_code == 400
    assert "这个残疾人证号已经登记过了" in response.content.decode()
    assert Person.objects.count() == 1


def test_the_database_refuses_two_people_with_one_number(cast, person):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(cast.compound, name="李四")


def test_the_configured_key_is_used_and_a_new_one_in_front_keeps_the_old_rows(cast, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CARE_PLAN_KEY = old
    person = make_person(cast.compound)
    assert Fernet(old.encode()).decrypt(person.certificate_cipher.encode()).decode() == NUMBER
    settings.CARE_PLAN_KEY = f"{new},{old}"
    again = Person.objects.get(pk=person.pk)
    assert again.certificate == NUMBER
    assert list(Person.objects.with_certificate(NUMBER)) == [again]
    other = make_person(cast.compound, name="李四", number=certificate("65239919700202321"))
    assert Fernet(new.encode()).decrypt(other.certificate_cipher.encode())
    settings.CARE_PLAN_KEY = Fernet.generate_key().decode()
    assert Person.objects.get(pk=person.pk).certificate == ""  # unreadable without the key: never a crash


def test_a_key_that_is_not_a_fernet_key_stops_the_start(settings):
    from care_plan.apps import check_key

    settings.CARE_PLAN_KEY = f"{Fernet.generate_key().decode()},not-a-key"
    assert [e.id for e in check_key(None)] == ["care_plan.E001"]
    settings.CARE_PLAN_KEY = Fernet.generate_key().decode()
    assert check_key(None) == []


def test_the_shape_and_the_check_character_are_checked():
    assert crypto.well_formed(NUMBER)
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1") + NUMBER[18:]
    assert not crypto.well_formed(wrong)
    assert not crypto.well_formed(NUMBER[:-1]) and not crypto.well_formed(NUMBER[:18] + "82")
    assert crypto.mask(NUMBER) == NUMBER[:3] + "*" * 13 + NUMBER[-4:]
