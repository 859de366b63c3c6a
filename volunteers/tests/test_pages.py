"""The volunteers' pages: the registry, registering, the ranking, duties at
an event, the volunteer's own page reached by a code, the certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import deliver
from events.models import Event
from notifications import sms
from notifications.models import SmsMessage
from organisations.models import PersonalDataView, Role
from volunteers import services
from volunteers.models import Duty, HoursEntry, Skill, Team, Volunteer
from volunteers.skills import ensure


def skill(code: str) -> Skill:
    ensure()  # a transactional test before this one may have flushed the seeded skills
    return Skill.objects.get(code=code)


pytestmark = pytest.mark.django_db
PHONE = "13700002222"


@pytest.fixture
def world(cast):
    staff = get_user_model().objects.create_user("volstaff", password="x")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    other = get_user_model().objects.create_user("volother", password="x")
    Role.objects.create(user=other, name=Role.Name.COMMUNITY_STAFF, node=cast.other_community)
    team = Team.objects.create(node=cast.community, name="雷锋车队")
    volunteer = Volunteer.objects.create(node=cast.community, name="赵志刚", phone=PHONE, days="12345")
    volunteer.teams.add(team)
    volunteer.skills.add(skill("meals"))
    cast.staff, cast.other_staff, cast.team, cast.volunteer = staff, other, team, volunteer
    return cast


def _as(client, user):
    client.force_login(user)
    return client


def test_the_registry_masks_phones_and_keeps_to_its_community(client, world):
    page = _as(client, world.staff).get("/work/volunteers/", secure=True).content.decode()
    assert "赵志刚" in page and "137****2222" in page and PHONE not in page
    client.force_login(world.other_staff)
    assert "赵志刚" not in client.get("/work/volunteers/", secure=True).content.decode()
    assert client.get(f"/work/volunteers/{world.volunteer.pk}/", secure=True).status_code == 404
    client.force_login(world.grid_worker)
    assert client.get("/work/volunteers/", secure=True).status_code == 403


def test_showing_the_phone_is_a_logged_post(client, world):
    c = _as(client, world.staff)
    page = c.post(f"/work/volunteers/{world.volunteer.pk}/", {"section": "reveal"}, secure=True).content.decode()
    assert PHONE in page
    assert PersonalDataView.objects.filter(viewer=world.staff, subject=f"volunteer:{world.volunteer.pk}").exists()


def test_registering_sends_the_volunteer_their_link(client, world):
    response = _as(client, world.staff).post("/work/volunteers/new/", {
        "node": world.community.pk, "name": "孙丽", "phone": "13700003333", "skills": [skill("haircut").pk],
        "teams": [world.team.pk], "days_list": ["6", "7"], "joined_on": "2026-11-01",
        "active": "on"}, secure=True)
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(phone="13700003333")
    assert volunteer.days == "67" and list(volunteer.teams.all()) == [world.team]
    message = SmsMessage.objects.get(phone="13700003333", template="volunteer_link")
    assert services.private_path(volunteer) in message.params["link"]


def test_the_same_phone_twice_in_a_community_is_refused_in_words(client, world):
    response = _as(client, world.staff).post("/work/volunteers/new/", {
        "node": world.community.pk, "name": "赵志刚", "phone": PHONE, "joined_on": "2026-11-01"}, secure=True)
    assert response.status_code == 400
    assert Volunteer.objects.filter(phone=PHONE).count() == 1


def test_a_volunteer_finds_their_page_with_a_code(client, world):
    response = client.post("/volunteer/", {"phone": PHONE}, secure=True)
    assert response.status_code == 200
    deliver()
    code = next(m["params"]["code"] for m in sms.outbox if m["phone"] == PHONE)
    response = client.post("/volunteer/", {"phone": PHONE, "code": code}, secure=True)
    assert response.status_code == 302 and response["Location"] == services.private_path(world.volunteer)
    page = client.get(response["Location"], secure=True).content.decode()
    assert "赵志刚" in page and "雷锋车队" in page


def test_an_unknown_phone_gets_the_same_answer_and_no_message(client, world):
    page = client.post("/volunteer/", {"phone": "13700009999"}, secure=True).content.decode()
    assert 'data-form="volunteer-code"' in page and "9999" in page  # the code step, as for a known phone
    deliver()
    assert not [m for m in sms.outbox if m["phone"] == "13700009999"]


def test_duty_at_an_event_earns_hours_when_the_organiser_checks_in(client, world):
    starts = timezone.now() - timedelta(minutes=30)
    event = Event.objects.create(node=world.community, title="重阳节包饺子", starts_at=starts,
                                 ends_at=starts + timedelta(hours=2))
    c = _as(client, world.staff)
    c.post(f"/work/events/{event.pk}/duties/", {"action": "assign", "volunteer": world.volunteer.pk,
                                                "task": "签到引导"}, secure=True)
    duty = Duty.objects.get(event=event)
    assert not HoursEntry.objects.exists()
    page = c.get(f"/work/events/{event.pk}/", secure=True).content.decode()
    assert f'data-duty="{duty.pk}"' in page and "签到引导" in page
    c.post(f"/work/events/{event.pk}/duties/", {"action": "check_in", "duty": duty.pk}, secure=True)
    assert HoursEntry.objects.get(volunteer=world.volunteer).minutes == 120
    c.post(f"/work/events/{event.pk}/duties/", {"action": "check_in", "duty": duty.pk}, secure=True)
    assert HoursEntry.objects.count() == 1


def test_another_communitys_organiser_cannot_put_anyone_on_duty(client, world):
    starts = timezone.now() + timedelta(days=1)
    event = Event.objects.create(node=world.community, title="x", starts_at=starts, ends_at=starts + timedelta(hours=1))
    response = _as(client, world.other_staff).post(f"/work/events/{event.pk}/duties/", {
        "action": "assign", "volunteer": world.volunteer.pk, "task": "签到"}, secure=True)
    assert response.status_code == 403 and not Duty.objects.exists()


def test_the_ranking_counts_the_period_and_the_certificate_opens(client, world):
    today = timezone.localdate()
    services.earn(world.volunteer, kind="order", source="order:1", what="送餐", on=today, minutes=90)
    services.earn(world.volunteer, kind="order", source="order:2", what="送餐", on=today.replace(year=today.year - 2),
                  minutes=600)
    c = _as(client, world.staff)
    page = c.get("/work/volunteers/ranking/?period=year", secure=True).content.decode()
    assert "赵志刚" in page and ">1.5<" in page
    assert ">11.5<" in c.get("/work/volunteers/ranking/?period=all", secure=True).content.decode()
    pdf = c.get(f"/work/volunteers/{world.volunteer.pk}/certificate.pdf", secure=True)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_certificate_check_shows_hours_and_a_masked_name(client, world):
    services.earn(world.volunteer, kind="order", source="order:1", what="送餐", on=timezone.localdate(), minutes=30)
    page = client.get(services.verify_path(world.volunteer), secure=True).content.decode()
    assert "赵**" in page and "赵志刚" not in page and "0.5" in page
    assert client.get(f"/volunteer/check/{world.volunteer.pk}/{'a' * 24}/", secure=True).status_code == 404


def test_the_ranking_of_one_community(client, world):
    from django.contrib.auth import get_user_model

    town = get_user_model().objects.create_user("townstaff")
    Role.objects.create(user=town, name=Role.Name.COMMUNITY_STAFF, node=world.town)
    other = Volunteer.objects.create(node=world.town, name="钱多", phone="13700004444")
    today = timezone.localdate()
    services.earn(world.volunteer, kind="order", source="order:1", what="送餐", on=today, minutes=60)
    services.earn(other, kind="order", source="order:2", what="送餐", on=today, minutes=120)
    c = _as(client, town)
    page = c.get("/work/volunteers/ranking/?period=year", secure=True).content.decode()
    assert page.index("钱多") < page.index("赵志刚")
    page = c.get(f"/work/volunteers/ranking/?period=year&community={world.community.pk}", secure=True).content.decode()
    assert "赵志刚" in page and "钱多" not in page.split("data-ranking")[1]
