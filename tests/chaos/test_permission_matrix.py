"""A permission matrix generated from the URL configuration: every /api/v1/ and
/work/ route, for every cast role, against a request in scope (花城社区) and one
out of everyone's scope (延安北路街道). Out of scope nothing is shown and nothing
changes. A route the matrix does not know fails the test: add it to FILL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from analysis.models import ExportJob
from appeals import residents, services
from appeals.forms import ACTION_FORMS
from appeals.models import Appeal, AppealPhoto
from appeals.tests.api import api_client
from notifications.models import Notification

from .conftest import ROLES

SKIPPED = {"api-schema", "api-docs", "api-not-found"}  # documentation, not data; the JSON 404


def routes() -> list[tuple[str, str | None]]:
    """(route, name) of every /api/v1/ and /work/ URL pattern."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append((prefix + str(p.pattern), p.name))

    walk(get_resolver().url_patterns, "")
    return [(r, n) for r, n in found if r.startswith(("api/v1/", "work/")) and n not in SKIPPED]


def action_body(action: str, cast, appeal: Appeal, other: Appeal, *, form: bool) -> dict:
    reason = {"reason": "测试理由"}
    return {
        "register": {},
        "sign": {},
        "start": {},
        "close": {},
        "withdraw": {},
        "reject": reason,
        "return": reason,
        "reopen": reason,
        "dispatch": {"unit": cast.community_unit.pk},
        "request-extension": {"days": 2, **reason},
        "approve-extension": {"approve": "true" if form else True},
        "reply": {"result": "resolved", "content": "已处理"},
        "evaluate": {"rating": "satisfied"},
        "merge": {"into": other.tracking_no if form else other.pk},
        "urge": {"content": "请尽快"},
        "supervise": {"content": "请尽快"},
        "note": {"content": "备注"},
        "co-sign": {},
        "co-reply": {"content": "协办意见"},
        "callback": {"outcome": "satisfied"},
    }[action]


@dataclass
class Call:
    method: str
    url: str
    data: dict
    api: bool
    kind: str  # "object": names one request/notification; "into": merges a visible one into it;
    # "scope": the figures of the request's place;
    # "list": shows many; "open": neither


def fill(name: str, route: str, cast, target: Appeal, other: Appeal, notification: Notification) -> list[Call]:
    """The requests that exercise one route against `target` (other: the second request)."""
    pk = target.pk
    if name == "api-token":
        return [Call("post", "/api/v1/auth/token", {"username": "nobody", "password": "x"}, True, "open")]
    if name in ("api-me", "api-categories", "api-units"):
        return [Call("get", "/" + route, {}, True, "open")]
    if name == "api-appeals":
        return [
            Call("get", "/api/v1/appeals?page_size=100", {}, True, "list"),
            Call("get", f"/api/v1/appeals?q={target.tracking_no}", {}, True, "list"),
        ]
    if name == "api-appeal":
        return [Call("get", f"/api/v1/appeals/{pk}", {}, True, "object")]
    if name == "api-appeal-contact":
        return [Call("post", f"/api/v1/appeals/{pk}/contact", {}, True, "object")]
    if name == "api-appeal-photo":
        photo = AppealPhoto.objects.filter(appeal=target).first()
        token = photo.token if photo else "0" * 32
        return [Call("get", f"/api/v1/appeals/{pk}/photos/{token}", {}, True, "object")]
    if name.startswith("api-appeal-"):
        action = name.removeprefix("api-appeal-")
        calls = [
            Call(
                "post",
                f"/api/v1/appeals/{pk}/{action}",
                action_body(action, cast, target, other, form=False),
                True,
                "object",
            )
        ]
        if action == "merge":  # merging the visible request into the invisible one
            calls.append(Call("post", f"/api/v1/appeals/{other.pk}/merge", {"into": pk}, True, "into"))
        return calls
    if name == "api-stats":  # the figures of the request's town and of its place
        return [Call("get", f"/api/v1/stats?scope={target.owner_node_id}", {}, True, "scope"),
                Call("get", f"/api/v1/stats?scope={target.node_id}&from=2026-01-01", {}, True, "scope")]
    if name == "figures":  # out of reach: the page says so and shows the person's own scope
        return [Call("get", f"/work/figures/?scope={target.owner_node_id}&p=all", {}, False, "list")]
    if name == "figures_requests":
        return [Call("get", f"/work/figures/requests/?scope={target.node_id}&p=all&figure=received", {}, False,
                     "list")]
    if name == "figures_report":  # out of reach: the page says so (own scope shown); a file is refused (403)
        return [Call("get", f"/work/figures/report/?scope={target.owner_node_id}&kind=month", {}, False, "list"),
                Call("get", f"/work/figures/report/?scope={target.node_id}&kind=quarter&format=docx", {}, False,
                     "list")]
    if name in ("figures_words", "figures_places"):
        path = {"figures_words": "words", "figures_places": "places"}[name]
        return [Call("get", f"/work/figures/{path}/?scope={target.owner_node_id}&p=all", {}, False, "list")]
    if name == "figures_requests_export":  # a scope out of reach: back to the page, which says so
        return [Call("post", f"/work/figures/requests/export/?scope={target.node_id}&p=all&figure=received", {},
                     False, "list")]
    if name in ("figures_export", "figures_export_status", "figures_export_download"):
        # The admin's export (admin is not in ROLES): nobody else sees or downloads it.
        job = ExportJob.objects.get_or_create(token="e" * 32, defaults={
            "user": cast.admin, "kind": "requests", "params": {"scope": str(target.node_id)}})[0]
        suffix = {"figures_export": "", "figures_export_status": "status", "figures_export_download": "download"}[name]
        return [Call("get", f"/work/figures/exports/{job.token}/{suffix}", {}, False, "object")]
    if name.startswith("api-track"):
        return []  # public by tracking number and private token: see test_privacy and the checks below
    if name in ("workbench", "work_new", "overdue", "notifications"):
        return [
            Call("get", "/" + route, {}, False, "list"),
            Call("get", f"/{route}?q={target.tracking_no}", {}, False, "list"),
        ]
    if name == "appeal_detail":
        return [Call("get", f"/work/appeals/{pk}/", {}, False, "object")]
    if name == "appeal_contact":
        return [Call("post", f"/work/appeals/{pk}/contact/", {}, False, "object")]
    if name == "appeal_photo":
        photo = AppealPhoto.objects.filter(appeal=target).first()
        token = photo.token if photo else "0" * 32
        return [Call("get", f"/work/appeals/{pk}/photos/{token}/", {}, False, "object")]
    if name == "appeal_action":
        calls = [
            Call(
                "post",
                f"/work/appeals/{pk}/{action}/",
                action_body(action, cast, target, other, form=True),
                False,
                "object",
            )
            for action in ACTION_FORMS
        ]
        calls.append(Call("post", f"/work/appeals/{other.pk}/merge/", {"into": target.tracking_no}, False, "into"))
        return calls
    if name in ("api-places", "work_places", "work_place_new", "coverage"):  # places: no request in them
        return [Call("get", "/" + route, {}, name == "api-places", "open")]
    if name in ("api-place", "work_place"):
        place = _a_place(cast)
        if name == "api-place":
            return [Call("get", f"/api/v1/places/{place.pk}", {}, True, "open")]
        return [Call("get", f"/work/places/{place.pk}/", {}, False, "open"),
                Call("post", f"/work/places/{place.pk}/", {"section": "special", "first": "2026-06-01",
                                                          "closed": "1"}, False, "open")]
    if name in ("api-events", "work_events", "work_event_new"):  # events: no request in them
        return [Call("get", "/" + route, {}, name == "api-events", "open")]
    if name.startswith("api-event") or name == "work_event":
        event, signup = _an_event(cast)
        return {
            "api-event": [Call("get", f"/api/v1/events/{event.pk}", {}, True, "open")],
            "api-event-signup": [Call("get", f"/api/v1/events/signups/{signup.pk}", {"token": "x" * 24}, True,
                                      "open")],
            "api-event-signup-cancel": [Call("post", f"/api/v1/events/signups/{signup.pk}/cancel",
                                             {"token": "x" * 24}, True, "open")],
            "api-event-signup-code": [Call("post", f"/api/v1/events/{event.pk}/signups/code", {"phone": "1"}, True,
                                           "open")],
            "api-event-signups": [Call("post", f"/api/v1/events/{event.pk}/signups",
                                       {"name": "甲", "phone": "13900000000", "code": "000000"}, True, "open")],
            "work_event": [Call("get", f"/work/events/{event.pk}/", {}, False, "open"),
                           Call("post", f"/work/events/{event.pk}/", {"section": "checkin", "signup": signup.pk},
                                False, "open")],
        }[name]
    if name in ("work_volunteers", "work_volunteer_new", "work_volunteer_ranking", "work_care", "work_care_recipients",
                "work_care_recipient_new", "work_care_meals"):  # lists of one's own scope
        return [Call("get", "/" + route, {}, False, "list")]
    if name == "work_event_duties":
        event, _signup = _an_event(cast)
        return [Call("post", f"/work/events/{event.pk}/duties/", {"action": "assign", "task": "签到"}, False, "open")]
    if name in ("work_volunteer", "work_volunteer_certificate"):
        volunteer = _a_volunteer(target)
        if name == "work_volunteer_certificate":
            return [Call("get", f"/work/volunteers/{volunteer.pk}/certificate.pdf", {}, False, "object")]
        return [Call("get", f"/work/volunteers/{volunteer.pk}/", {}, False, "object"),
                Call("post", f"/work/volunteers/{volunteer.pk}/", {"section": "reveal"}, False, "object")]
    if name == "work_care_recipient":
        recipient = _a_recipient(target)
        return [Call("get", f"/work/care/recipients/{recipient.pk}/", {}, False, "object"),
                Call("post", f"/work/care/recipients/{recipient.pk}/", {"section": "reveal"}, False, "object")]
    if name in ("work_care_plans", "work_care_plan_new", "work_care_plan_fairs", "work_care_plan_log",
                "work_care_plan_figures"):  # lists of one's own scope (the log and the figures: the head's)
        calls = [Call("get", "/" + route, {}, False, "list")]
        if name == "work_care_plans":  # searched by the resident's name: nothing out of scope found
            calls.append(Call("get", f"/work/care-plans/?q={target.contact_name or '赵远方'}", {}, False, "list"))
        if name == "work_care_plan_figures":  # a scope out of reach: the page shows one's own
            calls.append(Call("get", f"/work/care-plans/figures/?scope={_community_of(target).code}&export=xlsx", {},
                              False, "list"))
        return calls
    if name in ("work_care_plan", "work_care_plan_photo"):
        person, photo = _a_care_plan_person(target)
        if name == "work_care_plan_photo":
            return [Call("get", f"/work/care-plans/{person.pk}/photos/{photo.token}/", {}, False, "object")]
        url = f"/work/care-plans/{person.pk}/"
        return [Call("get", url, {}, False, "object"),
                Call("post", url, {"section": "reveal"}, False, "object"),
                Call("post", url, {"section": "certificate"}, False, "object"),
                Call("post", url, {"section": "visit", "visited_on": "2026-01-05", "findings": "入户"}, False,
                     "object")]
    if name in ("work_deliberation", "work_deliberation_meeting_new", "work_deliberation_topic_new"):
        return [Call("get", "/" + route, {}, False, "list")]
    if name in ("work_deliberation_meeting", "work_deliberation_topic"):
        meeting, item = _a_meeting(target)
        if name == "work_deliberation_topic":
            url = f"/work/deliberation/topics/{item.topic_id}/"
            return [Call("get", url, {}, False, "object"), Call("post", url, {"section": "drop"}, False, "object")]
        url = f"/work/deliberation/meetings/{meeting.pk}/"
        return [Call("get", url, {}, False, "object"),
                Call("post", url, {"section": "decide", "item": item.pk, "outcome": "agreed"}, False, "object"),
                Call("post", url, {"section": "refer", "item": item.pk, "category": "WY-DT", "description": "修"},
                     False, "object")]
    if name in ("api-funds", "api-fund-entries"):  # the public ledger
        fund, _evidence = _a_fund(target)
        return [Call("get", "/api/v1/funds" if name == "api-funds" else f"/api/v1/funds/{fund.pk}/entries", {}, True,
                     "open")]
    if name == "work_funds":
        return [Call("get", "/work/fund/", {}, False, "list")]
    if name in ("work_fund", "work_fund_evidence"):
        fund, evidence = _a_fund(target)
        if name == "work_fund_evidence":
            return [Call("get", f"/work/fund/{fund.pk}/evidence/{evidence.token}.jpg", {}, False, "object")]
        url = f"/work/fund/{fund.pk}/"
        return [Call("get", url, {}, False, "object"),
                Call("post", url, {"section": "donation", "amount": "10", "donor_name": "甲", "donor_kind": "shop"},
                     False, "object")]
    if name in ("setup", "setup_template"):  # county set-up: administrators only (admin is not in ROLES)
        return [Call("get", "/" + route, {}, False, "open")]
    if name in ("setup_export", "setup_upload"):
        return [Call("post", "/" + route, {}, False, "open")]
    if name in ("setup_job", "setup_job_status", "setup_job_apply", "setup_job_links"):
        # The admin's own upload (admin is not in ROLES): nobody else sees, applies or downloads it.
        from county_setup.models import ImportJob

        job = ImportJob.objects.get_or_create(token="s" * 32, defaults={
            "user": cast.admin, "name": "county.xlsx", "state": ImportJob.State.APPLIED})[0]
        suffix = {"setup_job": "", "setup_job_status": "status", "setup_job_apply": "apply/",
                  "setup_job_links": "links.xlsx"}[name]
        return [Call("post" if name == "setup_job_apply" else "get", f"/work/setup/imports/{job.token}/{suffix}", {},
                     False, "object")]
    if name == "setup_welcome":  # public: the first-login link is the proof
        return [Call("get", "/work/setup/welcome/MQ/no-such-token/", {}, False, "open")]
    if name == "notification_read":
        return [Call("post", f"/work/notifications/{notification.pk}/read/", {}, False, "object")]
    if name == "notification_open":
        return [Call("post", f"/work/notifications/{notification.pk}/open/", {}, False, "object")]
    if name == "notifications_read_all":
        return [Call("post", "/work/notifications/read-all/", {}, False, "open")]
    raise LookupError(name)


def _a_place(cast):
    from places.models import Place

    return Place.objects.get_or_create(name="矩阵驿站", defaults={
        "kind": Place.Kind.STATION, "node": cast.community, "address": "x", "lat": 44.19, "lng": 86.9})[0]


def _community_of(appeal: Appeal):
    node = appeal.node
    while node.kind not in ("community", "town", "county") and node.parent_id:
        node = node.parent
    return node


def _a_volunteer(appeal: Appeal):
    """A volunteer of the request's community, named like its resident (whose name nobody out of scope may see)."""
    from volunteers.models import Volunteer

    return Volunteer.objects.get_or_create(node=_community_of(appeal), phone=appeal.contact_phone or "13755501234",
                                           defaults={"name": appeal.contact_name or "赵远方"})[0]


def _a_recipient(appeal: Appeal):
    """A care recipient where the request is, with its resident's name and phone."""
    from care.models import Recipient

    return Recipient.objects.get_or_create(node=appeal.node, name=appeal.contact_name or "赵远方", defaults={
        "phone": appeal.contact_phone, "address": appeal.address or "北京南路88号", "category": "alone"})[0]


def _a_care_plan_person(appeal: Appeal):
    """A disabled resident (care_plan) where the request is, named and reachable like its resident, with a
    certificate number and a visit's photo: nobody out of scope may see any of it."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from care_plan import crypto
    from care_plan.models import HomeVisit, Person, VisitPhoto

    first17 = "6523991970010" + f"{appeal.pk % 10000:04d}"
    number = first17 + crypto.check_char(first17) + "42"
    person = Person.objects.with_certificate(number).first()
    if person is None:
        person = Person(node=appeal.node, name=appeal.contact_name or "赵远方", disability="physical", grade="2",
                        phone=appeal.contact_phone or "13755501234", address=appeal.address or "北京南路88号")
        person.set_certificate(number)
        person.save()
        visit = HomeVisit.objects.create(person=person, visited_on="2026-01-05", findings="入户访视")
        image = BytesIO()
        Image.new("RGB", (4, 4)).save(image, "JPEG")
        photo = VisitPhoto(visit=visit, token=f"cp{person.pk:030d}", width=4, height=4)
        photo.image.save("p.jpg", ContentFile(image.getvalue()), save=True)
    return person, VisitPhoto.objects.filter(visit__person=person).first()


def _a_meeting(appeal: Appeal):
    """A begun talk day where the request is, with a topic its resident raised (named, with their phone, like
    the request: nobody out of scope may see them) on the agenda."""
    from datetime import timedelta

    from django.utils import timezone

    from deliberation.models import Item, Meeting, Topic

    node = _community_of(appeal)
    starts = timezone.now() - timedelta(hours=1)
    meeting = Meeting.objects.get_or_create(node=node, title="矩阵恳谈日", defaults={
        "starts_at": starts, "ends_at": starts + timedelta(hours=2), "location": "会议室"})[0]
    topic = Topic.objects.get_or_create(node=node, title=appeal.title, defaults={
        "raised_by_name": appeal.contact_name or "赵远方", "raised_phone": appeal.contact_phone or "13755501234",
        "state": Topic.State.ON_AGENDA})[0]
    item = Item.objects.get_or_create(meeting=meeting, topic=topic, defaults={"title": topic.title})[0]
    return meeting, item


def _a_fund(appeal: Appeal):
    """The micro-fund of the request's community, with a donation and a waiting proposal with its evidence."""
    from datetime import date
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from fund import ledger
    from fund.models import Evidence, Fund, Proposal

    node = _community_of(appeal)
    fund, made = Fund.objects.get_or_create(node=node, defaults={"name": f"{node.name}微基金",
                                                                  "opened_on": date(2026, 1, 1)})
    if made:
        poster = get_user_model().objects.filter(is_superuser=True).first()
        ledger.post(fund, "donation", "100.00", by=poster, on=fund.opened_on, purpose="捐入微基金",
                    donor_name="鑫源超市", donor_kind="shop")
        proposal = Proposal.objects.create(fund=fund, amount="10.00", on=fund.opened_on, purpose="修灯",
                                           counterparty="电器店", proposed_by=poster)
        evidence = Evidence(proposal=proposal, token=f"ev{fund.pk:030d}")
        image = BytesIO()
        Image.new("RGB", (4, 4)).save(image, "JPEG")
        evidence.image.save("e.jpg", ContentFile(image.getvalue()), save=True)
    return fund, Evidence.objects.filter(proposal__fund=fund).first()


def _an_event(cast):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, Signup

    starts = timezone.now() + timedelta(days=2)
    event = Event.objects.get_or_create(title="矩阵活动", defaults={
        "node": cast.community, "starts_at": starts, "ends_at": starts + timedelta(hours=2), "capacity": 5})[0]
    signup = Signup.objects.get_or_create(event=event, phone="13900000000",
                                          defaults={"name": "甲", "state": Signup.State.CONFIRMED})[0]
    return event, signup


def snapshot(appeal: Appeal, notification: Notification) -> tuple:
    appeal.refresh_from_db()
    notification.refresh_from_db()
    return (
        appeal.status,
        appeal.version,
        appeal.unit_id,
        appeal.merged_into_id,
        appeal.events.count(),
        appeal.photos.count(),
        appeal.notes_count if hasattr(appeal, "notes_count") else None,
        notification.read_at,
    )


def client_for(cast, role: str, api: bool):
    user = None if role == "anonymous" else getattr(cast, role)
    if api:
        return api_client(user)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_api_and_work_route_is_known_to_the_matrix(cast, far_appeal):
    near = cast.appeal_in("registered")
    note = Notification.objects.create(user=cast.admin, event=far_appeal.events.first())
    unknown = []
    for route, name in routes():
        try:
            fill(name or route, route, cast, near, far_appeal, note)
        except LookupError:
            unknown.append((route, name))
    assert not unknown, f"routes the permission matrix does not know how to fill (add them to FILL): {unknown}"


def test_nobody_reads_or_changes_a_request_outside_their_scope(cast, far_appeal):
    far = far_appeal
    near = cast.appeal_in("registered")
    far_note = Notification.objects.create(user=cast.admin, event=far.events.first())
    secrets = [far.tracking_no, far.title, "13755501234", "赵远方"]
    failures = []
    checked = 0
    for route, name in routes():
        if name is None:
            continue
        for role in ROLES:
            anonymous = role == "anonymous"
            user = None if anonymous else getattr(cast, role)
            # In scope: whatever the answer, never a server error.
            mine = Notification.objects.get_or_create(user=user, event=near.events.first())[0] if user else far_note
            for call in fill(name, route, cast, near, far, mine):
                response = getattr(client_for(cast, role, call.api), call.method)(
                    call.url, call.data, **({"format": "json"} if call.api and call.method == "post" else {})
                )
                if response.status_code >= 500:
                    failures.append(f"{role} {call.method.upper()} {call.url} (in scope) -> {response.status_code}")
            near.refresh_from_db()
            # Out of scope: 404 (anonymous: sign in first), nothing shown, nothing changed.
            for call in fill(name, route, cast, far, near, far_note):
                before = snapshot(far, far_note)
                response = getattr(client_for(cast, role, call.api), call.method)(
                    call.url, call.data, **({"format": "json"} if call.api and call.method == "post" else {})
                )
                checked += 1
                code = response.status_code
                where = f"{role} {call.method.upper()} {call.url} -> {code}"
                if code >= 500:
                    failures.append(where + " (server error)")
                if snapshot(far, far_note) != before:
                    failures.append(where + f" changed the out-of-scope row: {before} -> {snapshot(far, far_note)}")
                body = b"" if getattr(response, "streaming", False) else response.content
                if call.kind == "object":
                    if anonymous:
                        ok = code in (401, 403) if call.api else (code == 302 and "/login/" in response["Location"])
                    elif call.api:
                        ok = code == 404
                    else:
                        # A role with no staff pages at all is refused outright (403) whatever the request.
                        ok = code == 404 or (code == 403 and role == "resident")
                    if not ok:
                        failures.append(where + " (expected 404, or sign-in for anonymous)")
                if call.kind == "scope" and code != (401 if anonymous else 403):
                    failures.append(where + " (the figures of a scope out of reach must be refused)")
                if call.kind == "into" and not (code in (400, 401, 403, 404, 409) or (code == 302 and not call.api)):
                    failures.append(where + " (merging into an invisible request must be refused)")
                if call.kind != "open" or code == 200:
                    # A search box repeats what was searched for; that is not a leak.
                    leaked = [s for s in secrets if s.encode() in body and s not in call.url]
                    if leaked:
                        failures.append(where + f" shows {leaked}")
    assert checked > 300
    assert not failures, "\n".join(failures)


def _replied(cast, appeal):
    services.register(appeal, actor=cast.fresh(cast.other_dispatcher))
    services.dispatch(appeal, actor=cast.fresh(cast.other_dispatcher), unit=cast.other_unit.pk)
    services.sign_for(appeal, actor=cast.fresh(cast.outsider))
    services.reply(appeal, actor=cast.fresh(cast.outsider), result="resolved", content="已补装井盖")


@pytest.mark.parametrize("action", ["evaluate", "withdraw"])
def test_without_the_private_token_nobody_speaks_for_the_resident(cast, far_appeal, action):
    """Every role, signed in or not, with the number alone, the old phone digits or a wrong token."""
    appeal = far_appeal
    if action == "evaluate":
        _replied(cast, appeal)
    note = Notification.objects.create(user=cast.admin, event=appeal.events.first())
    before = snapshot(appeal, note)
    bodies = [{}, {"phone_last4": "1234"}, {"token": "a" * 24}, {"token": residents.token_for(cast.submit())}]
    for role in ROLES:
        user = None if role == "anonymous" else getattr(cast, role)
        for body in bodies:
            body = {**body, "rating": "satisfied"} if action == "evaluate" else body
            response = api_client(user).post(f"/api/v1/track/{appeal.tracking_no}/{action}", body, format="json")
            assert response.status_code in (400, 403, 429), (role, body, response.status_code)
            page = client_for(cast, role, api=False).post(
                f"/track/{appeal.tracking_no}/{body.get('token', 'a' * 24)}/{action}/", {"rating": "satisfied"})
            assert page.status_code in (404, 429), (role, body, page.status_code)
    assert snapshot(appeal, note) == before


def test_a_dispatcher_cannot_merge_a_request_into_one_they_cannot_see(cast, far_appeal):
    far = far_appeal
    note = Notification.objects.create(user=cast.admin, event=far.events.first())
    for via_api in (True, False):
        near = cast.appeal_in("registered")
        before, near_before = snapshot(far, note), (near.status, near.version, near.events.count())
        if via_api:
            response = api_client(cast.dispatcher).post(
                f"/api/v1/appeals/{near.pk}/merge", {"into": far.pk}, format="json"
            )
            assert response.status_code == 404 and response.json()["field"] == "into", response.json()
        else:
            client = Client()
            client.force_login(cast.dispatcher)
            response = client.post(f"/work/appeals/{near.pk}/merge/", {"into": far.tracking_no}, follow=True)
            assert response.status_code == 200
            assert far.title.encode() not in response.content
        assert far.tracking_no.encode() not in response.content
        near.refresh_from_db()
        assert (near.status, near.version, near.events.count()) == near_before
        assert snapshot(far, note) == before


# --- Open311: the keys, not the session, decide -------------------------------------

OPEN311_KEYS = ["none", "wrong", "revoked", "other client", "filing client"]


def open311_routes() -> list[str]:
    from open311 import urls

    return [p.name for p in urls.urlpatterns]


def open311_calls(name: str, appeal: Appeal, token: str, key: str) -> list[Call]:
    """The calls that exercise one Open311 route with `key` (GET and POST)."""
    base = "/open311/v2/"
    number = appeal.tracking_no
    filing = {"api_key": key, "service_code": "WY-DT", "description": "路灯不亮", "address_string": "花城小区",
              "phone": "13899912345"}
    table = {
        "open311-discovery": [Call("get", base + "discovery.json", {}, False, "open")],
        "open311-services": [Call("get", base + "services.xml", {}, False, "open")],
        "open311-service": [Call("get", base + "services/WY-DT.json", {}, False, "open")],
        "open311-requests": [Call("get", base + "requests.json", {"api_key": key}, False, "list"),
                             Call("post", base + "requests.json", filing, False, "write")],
        "open311-request": [Call("get", base + f"requests/{number}.json", {"extensions": "true"}, False, "object")],
        "open311-token": [Call("get", base + f"tokens/{token}.json", {}, False, "object")],
        "open311-updates": [Call("get", base + "servicerequestupdates.json", {"api_key": key}, False, "list"),
                            Call("post", base + "servicerequestupdates.json",
                                 {"api_key": key, "service_request_id": number, "description": "还没修"}, False,
                                 "update")],
        "open311-openapi": [Call("get", base + "openapi.json", {}, False, "open")],
        "open311-unknown": [Call("post", base + "nothing.json", {"api_key": key}, False, "open")],
    }
    if name not in table:
        raise LookupError(name)
    return table[name]


def test_open311_writes_need_the_right_key_whoever_is_signed_in(cast, far_appeal):
    """Every Open311 route, for every role's session, with every kind of key: no
    server error; a write (a request, an update) only with a valid key, an update
    only by the client that filed the request; lists only with a key (the public
    list is off); no answer carries the resident's name or phone."""
    from open311 import keys
    from open311.models import ApiClient, FiledRequest

    filing_key = keys.issue(ApiClient(name="filing"))
    other_key = keys.issue(ApiClient(name="other"))
    keys.issue(ApiClient(name="revoked", active=False), "revoked-key")
    given = {"none": "", "wrong": "no-such-key", "revoked": "revoked-key", "other client": other_key,
             "filing client": filing_key}
    appeal = far_appeal
    filed = FiledRequest.objects.create(appeal=appeal, client=ApiClient.objects.get(name="filing"), token="tok-1")
    unknown = [n for n in open311_routes() if not _fills(n, appeal, filed.token)]
    assert not unknown, f"Open311 routes the matrix does not know (add them to open311_calls): {unknown}"
    failures = []
    for name in open311_routes():
        for role in ROLES:
            for kind in OPEN311_KEYS:
                for call in open311_calls(name, appeal, filed.token, given[kind]):
                    before_requests, before_events = Appeal.objects.count(), appeal.events.count()
                    response = getattr(client_for(cast, role, api=False), call.method)(call.url, call.data)
                    status, body = response.status_code, response.content.decode()
                    wrote = (Appeal.objects.count(), appeal.events.count()) != (before_requests, before_events)
                    valid = kind in ("other client", "filing client")
                    if status >= 500:
                        failures.append(f"{role} {kind} {call.method} {call.url} -> {status}")
                    if call.kind == "write" and (valid != (status == 200) or not valid and wrote):
                        failures.append(f"{role} {kind} filed a request: {status}")
                    if call.kind == "update" and ((kind == "filing client") != (status == 200) or
                                                  kind != "filing client" and wrote):
                        failures.append(f"{role} {kind} posted an update: {status}")
                    if call.kind == "list" and valid != (status == 200):
                        failures.append(f"{role} {kind} listed: {status}")
                    if "赵远方" in body or "13755501234" in body:
                        failures.append(f"{role} {kind} {call.url} shows the resident's name or phone")
    assert not failures, failures


def _fills(name: str, appeal: Appeal, token: str) -> bool:
    try:
        open311_calls(name, appeal, token, "")
    except LookupError:
        return False
    return True
