"""demo/care_plan.py on the real demo tree and accounts: sixteen people of
花城社区 with their visits, assessments, plan items in every state and services;
the figures the grouped queries give are the ones counted by hand from the
demo's table; the accounts see what the README says; a wipe removes it all and
a second build gives the same demo."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from care_plan import crypto
from care_plan.figures import figures
from care_plan.models import HomeVisit, JobFair, Person, PlanItem, PlanStep, Service
from demo import build
from demo import care_plan as demo_care_plan
from organisations.models import Node, PersonalDataView

pytestmark = pytest.mark.django_db


def make_demo() -> build.Demo:
    demo = build.Demo()
    build.build_tree(demo)
    build.build_units(demo)
    build.build_accounts(demo, "demo", random.Random(1))
    build.build_places(demo, random.Random(2))
    return demo


def snapshot() -> dict:
    return {
        "people": sorted(Person.objects.values_list("node__code", "name", "disability", "grade", "phone")),
        "items": Counter(PlanItem.objects.values_list("area", "state")),
        "services": Counter(Service.objects.values_list("kind", "on", "amount")),
        "visits": HomeVisit.objects.count(), "steps": PlanStep.objects.count(),
        "fairs": sorted(JobFair.objects.values_list("node__code", "title")),
        "views": PersonalDataView.objects.filter(subject__startswith="care_plan_person:").count(),
    }


def test_the_demo_figures_are_the_ones_counted_by_hand(db):
    demo = make_demo()
    today = timezone.localdate()
    made = demo_care_plan.build(demo, random.Random(5), today)
    assert made == {"people": 16, "visits": 24, "assessments": 16, "plan_items": 30, "services": 52, "job_fairs": 2}
    county = Node.objects.get(code="HTB")
    total, rows = figures(county, None, None)
    assert (total.visits, total.visited, total.devices, total.rehab_people, total.rehab_sessions, total.job_fairs,
            total.fair_attendance, total.placements, total.accessibility, total.households) == (
        24, 16, 11, 5, 26, 2, 6, 2, 2, 6)
    assert total.support == Decimal("6100.50")
    # The same by hand, from the rows themselves.
    services = list(Service.objects.all())
    assert sum(s.quantity for s in services if s.kind == "device") == total.devices
    assert len({s.person_id for s in services if s.kind == "rehab"}) == total.rehab_people
    assert sum((s.amount for s in services if s.kind == "visit"), Decimal(0)) == total.support
    assert len({s.person_id for s in services if s.kind == "visit"}) == total.households
    assert [f.node.code for f in rows] == ["HTB-HTBZ", "HTB-HTBZ-HC"]  # the town's job fair, the community
    month = figures(county, today.replace(day=1), today)[0]
    assert month.rehab_sessions == sum(1 for s in services if s.kind == "rehab" and s.on >= today.replace(day=1))


def test_the_demo_people_are_plainly_invented_and_their_plans_in_every_state(db):
    demo = make_demo()
    demo_care_plan.build(demo, random.Random(5), timezone.localdate())
    for person in Person.objects.all():
        assert re.fullmatch(r"1390004\d{4}", person.phone)
        number = person.certificate
        assert crypto.well_formed(number) and number.startswith("652399")
        assert not person.guardian_phone or person.guardian_phone.startswith("1390004")
        assert person.node.path.startswith("/HTB/HTB-HTBZ/HTB-HTBZ-HC/")
    assert set(PlanItem.objects.values_list("state", flat=True)) == set(PlanItem.State.values)
    for item in PlanItem.objects.filter(state="done"):
        assert item.done_on <= timezone.localdate() and item.steps.filter(action="finish").exists()
    assert not Service.objects.filter(on__gt=timezone.localdate()).exists()
    assert set(Service.objects.values_list("kind", flat=True)) == set(Service.Kind.values)
    assert PersonalDataView.objects.filter(subject__startswith="care_plan_person:", field="certificate").exists()


def test_the_demo_accounts_see_what_they_should(db):
    demo = make_demo()
    demo_care_plan.build(demo, random.Random(5), timezone.localdate())
    person = Person.objects.first()
    for username, log in (("caseworker", 403), ("federationhead", 200), ("carestaff", 403), ("leader", 403)):
        client = Client()
        client.force_login(demo.users[username])
        assert client.get(f"/work/care-plans/{person.pk}/", secure=True).status_code == (
            404 if username == "leader" else 200), username
        assert client.get("/work/care-plans/access-log/", secure=True).status_code == log, username
    assert "caseworker" in build.demo_usernames() and "federationhead" in build.demo_usernames()


def test_a_wipe_removes_everything_and_a_second_build_is_the_same(db):
    demo = make_demo()
    demo_care_plan.build(demo, random.Random(5), date.today())
    first = snapshot()
    roots = list(Node.objects.filter(parent__isnull=True))
    demo_care_plan.wipe(roots)
    assert not Person.objects.exists() and not JobFair.objects.exists() and not PlanStep.objects.exists()
    assert not PersonalDataView.objects.filter(subject__startswith="care_plan_person:").exists()
    demo_care_plan.build(demo, random.Random(5), date.today())
    assert snapshot() == first
    build.wipe()  # the whole demo, its accounts with it (nothing of the care plans protects them)
    assert not Node.objects.exists() and not Person.objects.exists()
