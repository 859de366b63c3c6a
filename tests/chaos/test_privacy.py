"""Nothing a resident gave privately (full phone, name, exact address) shows
on a public page or public API answer; staff lists show phones masked only."""

from __future__ import annotations

import re

from django.test import Client

from appeals import services
from appeals.access import mask_phone
from appeals.tests.api import api_client

PEOPLE = [
    # (phone, contact name, exact address)
    ("13912345678", "钱多多", "花城小区7号楼2单元301室"),
    ("15887654321", "孙晓梅", "花城小区12号楼1单元502室"),
    ("18611112222", "李建国", "花城小区3号楼底商东侧"),
]


def phone_forms(phone: str) -> list[str]:
    """The phone as written plainly and with the usual separators."""
    a, b, c = phone[:3], phone[3:7], phone[7:]
    return [phone, f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86{phone}", f"{a}{b}", f"{b}{c}"]


def private_strings() -> list[str]:
    out = []
    for phone, name, address in PEOPLE:
        out += phone_forms(phone) + [name, address]
    return out


def leaks(text: str) -> list[str]:
    # Digits may also be split by HTML markup or spaces: compare the bare digit run too.
    digits = re.sub(r"\D", "", text)
    found = [s for s in private_strings() if s in text]
    found += [phone for phone, _n, _a in PEOPLE if phone in digits]
    return found


def make_requests(cast):
    appeals = []
    for i, (phone, name, address) in enumerate(PEOPLE):
        appeals.append(
            cast.submit(
                contact_phone=phone,
                contact_name=name,
                address=address,
                title=f"楼道灯不亮{i}",
                description="楼道灯坏了一个多月，晚上出行不便。",
            )
        )
    replied = cast.appeal_in(
        "replied", contact_phone="13912345678", contact_name="钱多多", address="花城小区7号楼2单元301室"
    )
    return appeals + [replied]


def test_public_pages_show_no_phone_name_or_exact_address(cast):
    appeals = make_requests(cast)
    client = Client()
    pages = ["/", "/submit/", "/track/", "/track/mine/"]
    for appeal in appeals:
        pages += [
            f"/track/{appeal.tracking_no}/",
            f"/track/{appeal.tracking_no}/code/",
            f"/track/?no={appeal.tracking_no}",
        ]
    shown = 0
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        shown += response.status_code == 200
        text = response.content.decode()
        assert not leaks(text), (url, leaks(text))
    assert shown >= len(appeals) + 3  # the tracking pages really rendered


def test_public_api_answers_show_no_phone_name_or_exact_address(cast):
    appeals = make_requests(cast)
    anonymous = api_client()
    answers = [anonymous.get("/api/v1/categories")]
    answers += [anonymous.get(f"/api/v1/track/{a.tracking_no}") for a in appeals]
    for phone, name, address in PEOPLE:
        answers.append(
            anonymous.post(
                "/api/v1/appeals",
                cast.intake_data(contact_phone=phone, contact_name=name, address=address, title="小区门口积水"),
                format="json",
            )
        )
    for response in answers:
        assert response.status_code in (200, 201), response.content
        text = response.content.decode()
        assert not leaks(text), (response.request["PATH_INFO"], leaks(text))
    # A wrong token, a code request and a wrong code echo nothing private either.
    replied = appeals[-1]
    probes = [
        anonymous.post(f"/api/v1/track/{replied.tracking_no}/evaluate", {"rating": "satisfied", "token": "a" * 24},
                       format="json"),
        anonymous.post(f"/api/v1/track/{replied.tracking_no}/code"),
        anonymous.post(f"/api/v1/track/{replied.tracking_no}/verify", {"code": "000000"}, format="json"),
        anonymous.post("/api/v1/track/lookup/code", {"phone": "13912345678"}, format="json"),
        anonymous.post("/api/v1/track/lookup", {"phone": "13912345678", "code": "000000"}, format="json"),
    ]
    assert [p.status_code for p in probes] == [403, 202, 403, 202, 403]
    for probe in probes:
        assert not leaks(probe.content.decode()), probe.content


def test_staff_lists_show_phones_masked_only(cast):
    appeals = make_requests(cast)
    services.register(appeals[0], actor=cast.fresh(cast.dispatcher))
    for user in (cast.dispatcher, cast.supervisor, cast.leader, cast.grid_worker):
        listed = api_client(user).get("/api/v1/appeals?page_size=100")
        assert listed.status_code == 200
        assert listed.json()["count"] >= 1 or user == cast.grid_worker
        for phone, _n, _a in PEOPLE:
            assert phone not in listed.content.decode()
        client = Client()
        client.force_login(user)
        page = client.get("/work/")
        assert page.status_code == 200
        text = page.content.decode()
        for phone, _n, _a in PEOPLE:
            assert phone not in re.sub(r"\D", "", text.replace(mask_phone(phone), "")), (user, phone)
    # The detail answer masks too, unless the full number is explicitly asked for.
    detail = api_client(cast.supervisor).get(f"/api/v1/appeals/{appeals[0].pk}")
    assert detail.status_code == 200
    assert "13912345678" not in detail.content.decode()
    assert mask_phone("13912345678") in detail.content.decode()


def test_open311_answers_show_no_phone_name_e_mail_or_exact_address(cast):
    """Every Open311 endpoint in both formats, lists with extensions, the updates, the
    answers to filings and to refused filings: none carries what the resident gave."""
    from analysis.models import FigureSettings
    from open311 import keys
    from open311.models import ApiClient

    FigureSettings.objects.create(public_requests=True)
    key = keys.issue(ApiClient(name="privacy"))
    appeals = make_requests(cast)
    client = Client()
    answers = []
    for i, (phone, name, address) in enumerate(PEOPLE):
        filing = {"api_key": key, "service_code": "WY-DT", "description": "楼道灯坏了一个多月。",
                  "address_string": address, "last_name": name[0], "first_name": name[1:], "phone": phone,
                  "email": f"resident{i}@example.org", "account_id": f"acct-{i}"}
        answers.append(client.post("/open311/v2/requests.json", filing))
        answers.append(client.post("/open311/v2/requests.xml", {**filing, "service_code": "NOPE"}))  # refused
        answers.append(client.post("/open311/v2/requests.json", {**filing, "phone": phone + "9"}))  # refused
    numbers = [a.tracking_no for a in appeals]
    for fmt in ("xml", "json"):
        answers += [client.get(f"/open311/v2/requests.{fmt}", {"extensions": "true"}),
                    client.get(f"/open311/v2/requests.{fmt}", {"service_request_id": ",".join(numbers),
                                                               "extensions": "true"}),
                    client.get(f"/open311/v2/servicerequestupdates.{fmt}", {"api_key": key}),
                    client.get(f"/open311/v2/services.{fmt}"), client.get(f"/open311/v2/discovery.{fmt}")]
        answers += [client.get(f"/open311/v2/requests/{n}.{fmt}", {"extensions": "true"}) for n in numbers]
    assert sum(a.status_code == 200 for a in answers) >= 3 + 2 * (5 + len(numbers))
    for response in answers:
        assert response.status_code < 500
        text = response.content.decode()
        assert not leaks(text) and "@example.org" not in text, (response.request["PATH_INFO"], leaks(text))
        # The filing client hears back its own account_id (the spec's answer); nobody else ever does.
        assert response.request["REQUEST_METHOD"] == "POST" or "acct-" not in text


def test_event_pages_and_answers_show_no_signed_up_phone_or_name_and_organisers_see_phones_masked(cast):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.models import Event, Signup
    from organisations.models import Role

    starts = timezone.now() + timedelta(days=1)
    event = Event.objects.create(node=cast.community, title="包饺子", starts_at=starts,
                                 ends_at=starts + timedelta(hours=2), capacity=2)
    for state, (phone, name, _address) in zip(("confirmed", "confirmed", "waiting"), PEOPLE, strict=True):
        Signup.objects.create(event=event, name=name, phone=phone, state=state)
    client, anonymous = Client(), api_client()
    public = [client.get(url) for url in ("/events/", f"/events/c/{cast.community.code}/", f"/events/{event.pk}/",
                                          f"/events/c/{cast.community.code}/calendar.ics",
                                          f"/events/{event.pk}/checkin/{event.checkin_token}/")]
    public += [anonymous.get("/api/v1/events"), anonymous.get(f"/api/v1/events/{event.pk}")]
    for response in public:
        assert response.status_code == 200, response.content[:200]
        assert not leaks(response.content.decode()), leaks(response.content.decode())
    organiser = get_user_model().objects.create_user("eventstaff")
    Role.objects.create(user=organiser, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    client.force_login(organiser)
    page = client.get(f"/work/events/{event.pk}/").content.decode()
    for phone, _n, _a in PEOPLE:
        assert mask_phone(phone) in page
        assert phone not in re.sub(r"\D", "", page.replace(mask_phone(phone), "")), phone


def test_care_pages_show_recipients_masked_until_a_logged_reveal(cast):
    """The day's orders, the recipients' list and record, the canteen's meal
    counts, a volunteer's page and the recipient's own confirmation page show
    no recipient's full name, phone or address; only the logged reveal does."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from care import services as care
    from care.models import Order, Recipient
    from organisations.models import Role
    from places.models import Place
    from volunteers import services as volunteers
    from volunteers.models import Volunteer

    canteen = Place.objects.create(node=cast.community, kind=Place.Kind.CANTEEN, name="花城幸福食堂", lat=44.19,
                                   lng=86.9)
    host = get_user_model().objects.create_user("canteenhost")
    canteen.hosts.add(host)
    volunteer = Volunteer.objects.create(node=cast.community, name="刘建军", phone="13700001111")
    soon = timezone.localtime() + timedelta(hours=1)
    orders = []
    for i, (phone, name, address) in enumerate(PEOPLE):
        recipient = Recipient.objects.create(node=cast.compound, name=name, phone=phone, address=address,
                                             category="alone")
        orders.append(Order.objects.create(recipient=recipient, kind="meals", canteen=canteen, day=soon.date(),
                                           due_at=soon, minutes=30, state=("open", "taken", "done")[i],
                                           volunteer=None if i == 0 else volunteer))
    staff = get_user_model().objects.create_user("carestaff")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    client = Client()
    client.force_login(staff)
    pages = ["/work/care/", "/work/care/recipients/", f"/work/care/meals/?day={soon.date()}",
             *[f"/work/care/recipients/{o.recipient_id}/" for o in orders]]
    for url in pages:
        body = client.get(url, secure=True).content.decode()
        assert not leaks(body), (url, leaks(body))
    client.force_login(host)
    assert not leaks(client.get(f"/work/care/meals/?day={soon.date()}", secure=True).content.decode())
    client.logout()
    for url in (volunteers.private_path(volunteer), care.private_path(orders[2]), volunteers.verify_path(volunteer)):
        response = client.get(url, secure=True)
        assert response.status_code == 200
        assert not leaks(response.content.decode()), (url, leaks(response.content.decode()))
    client.force_login(staff)
    revealed = client.post(f"/work/care/recipients/{orders[0].recipient_id}/", {"section": "reveal"},
                           secure=True).content.decode()
    assert PEOPLE[0][0] in revealed and PEOPLE[0][2] in revealed


def test_a_residents_phone_on_a_raised_topic_never_shows_in_public_and_staff_see_it_masked(cast):
    """The community's deliberation page, a meeting's agenda and outcome (a
    request made from a resident's topic included) show no raiser's phone nor
    full name; the organisers' list, topic and meeting pages show the phone
    masked only."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from deliberation import services as deliberation
    from deliberation.models import Item, Meeting, Topic
    from organisations.models import Role

    starts = timezone.now() - timedelta(hours=1)
    meeting = Meeting.objects.create(node=cast.community, title="六月居民恳谈日", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2))
    topics = [Topic.objects.create(node=cast.community, title=f"议题{i}", raised_by_name=name, raised_phone=phone,
                                   state=Topic.State.OPEN if i == 0 else Topic.State.ON_AGENDA)
              for i, (phone, name, _address) in enumerate(PEOPLE)]
    items = [Item.objects.create(meeting=meeting, topic=t, title=t.title, order=i) for i, t in enumerate(topics)
             if t.state == Topic.State.ON_AGENDA]
    organiser = get_user_model().objects.create_user("talkdaystaff")
    Role.objects.create(user=organiser, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    deliberation.record(meeting, actor=organiser, minutes="议定两项。", attendees=30)
    deliberation.refer(items[0], cast.fresh(organiser), {"category": "SZ-LD", "address": "花城小区南门"})
    client = Client()
    for url in (f"/deliberation/c/{cast.community.code}/", f"/deliberation/m/{meeting.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert not leaks(text), (url, leaks(text))
        assert "议题0" in text or "议题1" in text  # the topics really are listed
    client.force_login(organiser)
    pages = ["/work/deliberation/", f"/work/deliberation/meetings/{meeting.pk}/",
             *[f"/work/deliberation/topics/{t.pk}/" for t in topics]]
    for url in pages:
        page = client.get(url).content.decode()
        for phone, _n, _a in PEOPLE:
            assert phone not in re.sub(r"\D", "", page.replace(mask_phone(phone), "")), (url, phone)
    listed = client.get("/work/deliberation/").content.decode()
    assert mask_phone(PEOPLE[0][0]) in listed  # the open topic, its phone masked


def test_care_plan_pages_show_disabled_residents_masked_until_a_logged_reveal(cast):
    """The registry, a person's record, the job fairs, the access log, the care
    plans' figures and their monthly report, and the leaders' dashboard show no
    full name, phone, address nor certificate number to anyone (case worker,
    community staff, federation head, leader); the certificate number shows only
    on a case worker's logged request, the contact only on a logged reveal."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from care_plan import crypto
    from care_plan.models import HomeVisit, Person, Service
    from organisations.models import PersonalDataView, Role

    people, numbers = [], []
    for i, (phone, name, address) in enumerate(PEOPLE):
        first17 = f"65239919{60 + i}0101{321 + i}"
        number = first17 + crypto.check_char(first17) + "42"
        person = Person(node=cast.compound, name=name, phone=phone, address=address, disability="physical",
                        grade="2", guardian=name[0] + "监护", guardian_phone=phone)
        person.set_certificate(number)
        person.save()
        HomeVisit.objects.create(person=person, visited_on=date(2026, 1, 5), findings="入户访视")
        Service.objects.create(person=person, kind="visit", on=date(2026, 1, 5), amount="500.00")
        people.append(person)
        numbers.append(number)

    def shown(text: str) -> list[str]:
        digits = re.sub(r"[^\dX]", "", text)
        return leaks(text) + [n for n in numbers if n in text or n in digits or n[:17] in digits]

    User = get_user_model()
    users = []
    for username, role, node in (("cpworker", Role.Name.CASE_WORKER, cast.community),
                                 ("cpstaff", Role.Name.COMMUNITY_STAFF, cast.community),
                                 ("cphead", Role.Name.FEDERATION_HEAD, cast.county)):
        user = User.objects.create_user(username)
        Role.objects.create(user=user, name=role, node=node)
        users.append(user)
    pages = ["/work/care-plans/", "/work/care-plans/?all=1&plan=open", "/work/care-plans/job-fairs/",
             "/work/care-plans/access-log/", "/work/care-plans/figures/?month=all", "/work/figures/?p=all",
             *[f"/work/care-plans/{p.pk}/" for p in people], f"/work/care-plans/?q={numbers[0]}"]
    client = Client()
    for user in [*users, cast.leader]:
        client.force_login(user)
        for url in pages:
            response = client.get(url, secure=True)
            assert response.status_code in (200, 403, 404), (user.username, url, response.status_code)
            if response.status_code != 200 and "?q=" in url:
                continue  # a refusal page's language form repeats the address one typed: not a leak
            assert not shown(response.content.decode()), (user.username, url, shown(response.content.decode()))
        report = client.get("/work/care-plans/figures/?month=all&export=xlsx", secure=True)
        assert report.status_code in (200, 403) and not shown(report.content.decode("latin-1"))
    client.force_login(users[0])
    revealed = client.post(f"/work/care-plans/{people[0].pk}/", {"section": "certificate"}, secure=True)
    assert numbers[0] in revealed.content.decode() and PEOPLE[0][0] not in revealed.content.decode()
    contact = client.post(f"/work/care-plans/{people[0].pk}/", {"section": "reveal"}, secure=True).content.decode()
    assert PEOPLE[0][0] in contact and PEOPLE[0][2] in contact and numbers[0] not in contact
    logged = set(PersonalDataView.objects.filter(viewer=users[0], subject=people[0].subject)
                 .values_list("field", flat=True))
    assert {"record", "certificate", "name", "phone", "address"} <= logged
