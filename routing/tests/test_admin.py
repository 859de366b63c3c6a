"""The admin: rules are written there, corrections only shown."""

from __future__ import annotations

from routing.models import Correction, Rule


def test_an_administrator_writes_a_rule(cast, client):
    client.force_login(cast.admin)
    assert client.get("/admin/routing/rule/add/", secure=True).status_code == 200
    response = client.post("/admin/routing/rule/add/", {
        "category": cast.category.pk, "area": cast.community.pk, "compound": cast.compound.pk,
        "unit": cast.property.pk, "co_units": [cast.community_unit.pk], "order": 5, "active": "on",
    }, secure=True)
    assert response.status_code == 302, response.content[:2000]
    rule = Rule.objects.get()
    assert (rule.category, rule.area, rule.compound, rule.unit, rule.order) == \
        (cast.category, cast.community, cast.compound, cast.property, 5)
    assert list(rule.co_units.all()) == [cast.community_unit]
    assert client.get("/admin/routing/rule/", secure=True).status_code == 200


def test_a_compound_outside_the_area_is_refused(cast, client):
    client.force_login(cast.admin)
    response = client.post("/admin/routing/rule/add/", {
        "category": cast.category.pk, "area": cast.other_town.pk, "compound": cast.compound.pk,
        "unit": cast.property.pk, "order": 5, "active": "on",
    }, secure=True)
    assert response.status_code == 200 and Rule.objects.count() == 0


def test_corrections_are_read_only(cast, client):
    client.force_login(cast.admin)
    assert client.get("/admin/routing/correction/", secure=True).status_code == 200
    assert client.get("/admin/routing/correction/add/", secure=True).status_code == 403
    assert Correction.objects.count() == 0


def test_staff_without_admin_rights_cannot_write_rules(cast, client):
    client.force_login(cast.dispatcher)
    assert client.get("/admin/routing/rule/add/", secure=True).status_code == 302  # to the admin login
