"""Community life on the leaders' dashboard: events held and who came,
volunteer hours, care orders done on time and meals, per community, hand-counted,
and the same table in Excel."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from care.models import Order, Recipient
from events.models import Event, Signup
from places.models import Place
from volunteers.models import HoursEntry, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(cast):
    now = timezone.now()
    today = timezone.localdate()
    held = Event.objects.create(node=cast.community, title="包饺子", starts_at=now - timedelta(hours=5),
                                ends_at=now - timedelta(hours=3), capacity=5)
    for i, state in enumerate(["attended", "attended", "no_show", "cancelled"]):
        Signup.objects.create(event=held, name="甲", phone=f"1390000000{i}", state=state)
    Event.objects.create(node=cast.community, title="取消了", starts_at=now - timedelta(hours=5),
                         ends_at=now - timedelta(hours=3), cancelled_at=now - timedelta(days=1))
    Event.objects.create(node=cast.community, title="还没办", starts_at=now + timedelta(days=1),
                         ends_at=now + timedelta(days=1, hours=2))
    Event.objects.create(node=cast.other_community, title="别的社区", starts_at=now - timedelta(hours=5),
                         ends_at=now - timedelta(hours=3))
    volunteer = Volunteer.objects.create(node=cast.community, name="刘建军", phone="13700001111")
    HoursEntry.objects.create(volunteer=volunteer, kind="order", source="order:a", what="x", on=today, minutes=90)
    HoursEntry.objects.create(volunteer=volunteer, kind="duty", source="duty:b", what="x", on=today, minutes=60)
    HoursEntry.objects.create(volunteer=volunteer, kind="duty", source="duty:c", what="x",
                              on=today - timedelta(days=400), minutes=600)  # another year
    canteen = Place.objects.create(node=cast.community, kind=Place.Kind.CANTEEN, name="食堂", lat=44.19, lng=86.9)
    recipient = Recipient.objects.create(node=cast.compound, name="张", address="x", category="alone")
    due = now - timedelta(hours=1)

    def order(state, done=None, **extra):
        return Order.objects.create(recipient=recipient, kind=extra.pop("kind", "meals"), canteen=canteen,
                                    day=timezone.localdate(due), due_at=extra.pop("due_at", due), minutes=30,
                                    state=state, done_at=done, volunteer=volunteer, **extra)

    order("confirmed", due - timedelta(minutes=10))  # delivered, on time
    order("done", due + timedelta(minutes=20))  # delivered, late
    order("taken")  # missed
    order("cancelled")  # not counted
    order("open", mode="dine_in")  # eaten at the canteen
    order("open", due_at=now + timedelta(hours=3), kind="visit")  # not due yet: not counted
    return cast


def test_the_dashboard_counts_community_life_by_hand(life):
    client = Client()
    client.force_login(life.leader)
    html = client.get("/work/figures/?p=month").content.decode()
    row = html.split(f'data-community="{life.community.code}"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    # events held, came, hours, care orders, on time %, delivered, at the canteen
    assert cells == ["1", "2", "2.5", "3", "33.3", "2", "1"]
    assert 'data-community="CJ-YA-BJ"' not in html  # out of the leader's county


def test_community_life_in_excel(life):
    client = Client()
    client.force_login(life.leader)
    response = client.get("/work/figures/?p=month&export=life")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert rows[0][:4] == ["社区", "开展活动", "已签到", "未到场"]
    line = next(r for r in rows if r[0] == life.community.name)
    assert line[1:] == [1, 2, 1, 2.5, 3, 1, 33.3, 2, 1]
    assert rows[-1][0] == "合计"


def test_community_staff_read_their_own_communitys_figures(life):
    from django.contrib.auth import get_user_model

    from organisations.models import Role

    staff = get_user_model().objects.create_user("lifestaff")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=life.community)
    client = Client()
    client.force_login(staff)
    html = client.get("/work/figures/?p=month").content.decode()
    assert f'data-community="{life.community.code}"' in html
    assert client.get(f"/work/figures/?scope={life.other_community.pk}").status_code == 200  # refused in words
    assert "CJ-YA-BJ" not in client.get(f"/work/figures/?scope={life.other_community.pk}").content.decode()
