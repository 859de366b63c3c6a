"""No GET request, page or API, writes to the database: pages and answers
only read (delivering notifications, revealing a contact, marking something
read and proving a resident are POSTs or the worker's). Every GET route of the
URL configuration is read by every role, in and out of scope, and every
statement it ran is a read."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals import residents, services
from appeals.models import AppealPhoto
from appeals.tests.api import api_client
from conftest import deliver
from notifications.models import Notification
from places.tests.spots import make_spots

from .conftest import ROLES, png_upload
from .test_permission_matrix import client_for, fill, routes

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_no_staff_page_or_api_get_writes_anything(cast, far_appeal):
    near, _ = services.create_appeal(cast.intake_data(), actor=None, photos=[png_upload()])
    services.register(near, actor=cast.fresh(cast.dispatcher))
    deliver()  # the worker has made everyone's notifications: now nothing is waiting
    someone_elses = Notification.objects.create(user=cast.admin, event=far_appeal.events.first())
    checked, failures = 0, []
    for route, name in routes():
        for role in ROLES:
            user = None if role == "anonymous" else getattr(cast, role)
            mine = Notification.objects.filter(user=user).first() if user else None
            note = mine or someone_elses
            for target, other in ((near, far_appeal), (far_appeal, near)):
                for call in fill(name, route, cast, target, other, note):
                    if call.method != "get":
                        continue
                    client = client_for(cast, role, call.api)
                    written = writes_of(lambda client=client, call=call: client.get(call.url, call.data))
                    checked += 1
                    if written:
                        failures.append(f"{role} GET {call.url}: {written[0][:120]}")
    assert checked > 100
    assert not failures, "\n".join(failures)


def test_no_public_page_or_answer_writes_anything(cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None, photos=[png_upload()])
    deliver()
    number, token = appeal.tracking_no, residents.token_for(appeal)
    photo = AppealPhoto.objects.get(appeal=appeal).token
    # A client that filed it reads with its key: a read records nothing, not even the key's use.
    from open311 import keys
    from open311.models import ApiClient, FiledRequest

    key = keys.issue(ApiClient(name="reader"))
    place = make_spots(cast).station
    from events import services as events
    from events.models import Signup

    from .test_permission_matrix import _an_event

    event, signup = _an_event(cast)
    mine = events.private_path(signup)
    Signup.objects.filter(pk=signup.pk).update(state=Signup.State.WAITING)  # its page shows the place in line
    from care import services as care
    from care.models import Order, Recipient
    from volunteers import services as volunteers
    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.create(node=cast.community, name="刘建军", phone="13700001111")
    recipient = Recipient.objects.create(node=cast.compound, name="张桂兰", address="x", category="alone")
    soon = timezone.localtime() + timedelta(hours=1)
    order = Order.objects.create(recipient=recipient, kind="visit", day=soon.date(), due_at=soon, minutes=60,
                                 state="done", volunteer=volunteer)
    own = volunteers.private_path(volunteer)
    from deliberation.models import Item

    from .test_permission_matrix import _a_meeting

    meeting, item = _a_meeting(appeal)
    Item.objects.filter(pk=item.pk).update(appeal=appeal, outcome=Item.Outcome.REFERRED)
    meeting.held_at, meeting.minutes = timezone.now(), "议定一项。"
    meeting.save()
    FiledRequest.objects.create(appeal=appeal, client=ApiClient.objects.get(), token="tok-1")
    from fund import ledger
    from fund import services as funds
    from fund.models import DonorKind

    fund = funds.open_fund(cast.community, by=cast.admin)
    gift = funds.record_donation(fund, by=cast.admin, amount="100.00", on=timezone.localdate(), donor_name="鑫源超市",
                                 donor_kind=DonorKind.SHOP, anonymous=False)
    receipt = f"/fund/receipt/{gift.pk}/{ledger.receipt_token(gift)}.pdf"
    pages = ["/", "/submit/", "/track/", f"/track/?no={number}", "/track/mine/", f"/track/{number}/",
             f"/track/{number}/code/", f"/track/{number}/{token}/", f"/track/{number}/{token}/evaluate/",
             f"/track/{number}/{token}/withdraw/", f"/track/{number}/{token}/photos/{photo}/",
             f"/submit/thanks/{number}/{token}/", "/login/", "/track/HBY-20260101-ZZZZZZ/",
             "/figures/", "/figures/HTB/", "/figures/HTB-Z-HC/", "/figures/HTB-Z-HC/embed/",
             "/figures/HTB-Z-HC/embed.json", "/requests/",
             "/open311/v2/discovery.xml", "/open311/v2/services.json", "/open311/v2/services/WY-DT.xml",
             f"/open311/v2/requests.xml?service_request_id={number}&extensions=true",
             f"/open311/v2/requests/{number}.json?extensions=true", "/open311/v2/requests.json",
             f"/open311/v2/requests.json?api_key={key}", f"/open311/v2/servicerequestupdates.xml?api_key={key}",
             "/open311/v2/tokens/tok-1.json", "/open311/v2/openapi.json",
             "/places/", "/places/?service=hot-water&open_now=on&near=HTB-Z-HC", f"/places/{place.pk}/",
             f"/places/{place.pk}/report/", f"/places/{place.pk}/poster.pdf",
             "/events/", f"/events/c/{cast.community.code}/", f"/events/c/{cast.community.code}/calendar.ics",
             f"/events/{event.pk}/", mine, f"/events/{event.pk}/checkin/{event.checkin_token}/",
             "/volunteer/", own, own + "certificate.pdf", volunteers.verify_path(volunteer), care.private_path(order),
             f"/deliberation/c/{cast.community.code}/", f"/deliberation/c/{cast.town.code}/",
             f"/deliberation/c/{cast.community.code}/topics/raised/", f"/deliberation/m/{meeting.pk}/",
             "/fund/", f"/fund/{fund.pk}/", f"/fund/{fund.pk}/{timezone.localdate().year}.xlsx", receipt]
    answers = ["/api/v1/places?lat=44.19&lng=86.9&open_now=true", f"/api/v1/places/{place.pk}",
               "/api/v1/events", f"/api/v1/events/{event.pk}",
               f"/api/v1/events/signups/{signup.pk}?token={events.token_for(signup)}",
               "/api/v1/funds", f"/api/v1/funds/{fund.pk}/entries",
               "/api/v1/categories", f"/api/v1/track/{number}", f"/api/v1/track/{number}?token={token}",
               f"/api/v1/track/{number}/photos/{photo}?token={token}", "/api/v1/schema"]
    client, api = Client(), api_client()
    failures = []
    for url in pages:
        written = writes_of(lambda url=url: client.get(url))
        if written:
            failures.append(f"GET {url}: {written[0][:120]}")
    for url in answers:
        written = writes_of(lambda url=url: api.get(url))
        if written:
            failures.append(f"GET {url}: {written[0][:120]}")
    assert not failures, "\n".join(failures)
