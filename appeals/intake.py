"""Intake (统一收集): a new request from a resident, an API client, or staff on
a resident's behalf, and 即接即办 for small matters handled at once."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.access import scopes_of
from organisations.models import Node, Role, Unit
from organisations.tree import tree

from . import access, questions, search, tracking
from .catalogue import catalogue
from .errors import Conflict, Forbidden, Invalid
from .models import Appeal, AppealPhoto, IdempotencyKey, Status, TimeLimit
from .photos import clean_photos
from .workflow import commit, record_event, step_changes, text

R = Role.Name
# ASCII digits only: \d alone would also accept Arabic-Indic or other scripts' digits.
# Markup in a description (a tag, a comment, a doctype): refused, as Open311 says; "<" alone is text.
MARKUP_RE = re.compile(r"<\s*[A-Za-z!/?][^<>]*>")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$", re.ASCII)
STAFF_CHANNELS = {Appeal.Channel.HOTLINE, Appeal.Channel.WALK_IN, Appeal.Channel.PATROL, Appeal.Channel.TALK_DAY}
RESOLVE_RADIUS_KM = 3.0
TITLE, DESCRIPTION, ADDRESS, NAME, PHONE = 100, 4000, 200, 40, 20  # the longest each may be


def clean_phone(value) -> str:
    """A phone as typed on a Chinese keyboard (full-width digits, spaces) in its stored form."""
    return unicodedata.normalize("NFKC", value if isinstance(value, str) else "").replace(" ", "").strip()


def _coord(data: dict, field: str, low: float, high: float) -> float | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (low <= number <= high):
        raise Invalid(_("The map position is not valid."), field=field)
    return number


def _bool(data: dict, field: str) -> bool:
    value = data.get(field, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "on", "yes"):
        return True
    if value in (None, "", 0, "0", "false", "off", "no"):
        return False
    raise Invalid(_("Please answer yes or no."), field=field)


def validate(data: dict, *, staff: bool) -> dict:
    """Checks every field of a new request; returns the clean values, or
    raises one Invalid that carries every problem found."""
    problems: list[Invalid] = []
    clean: dict = {}

    def check(name, fn):
        try:
            clean[name] = fn()
        except Invalid as exc:
            problems.append(exc)
            clean[name] = None

    def category():
        found, leaf = catalogue().leaf(data.get("category"))
        if found is None:
            raise Invalid(_("Choose a category from the list."), field="category", code="unknown_category")
        if not leaf:
            raise Invalid(_("Choose a more specific category under “%(name)s”.") % {"name": found.name},
                          field="category", code="unknown_category")
        return found

    def choice(field, choices, default, message):
        def read():
            value = data.get(field) or default
            if value not in choices:
                raise Invalid(message, field=field)
            return value
        return read

    def phone():
        value = clean_phone(text(data.get("contact_phone"), "contact_phone", _("a phone number"),
                                 required=not staff, max_length=PHONE))
        if value and not PHONE_RE.match(value):
            raise Invalid(_("The phone number does not look right: give an 11-digit mobile or a landline."),
                          field="contact_phone")
        return value

    check("category", category)
    check("type", choice("type", Appeal.Type.values, Appeal.Type.HELP,
                         _("Choose the type: question, help, complaint, suggestion or praise.")))
    check("urgency", choice("urgency", Appeal.Urgency.values, Appeal.Urgency.NORMAL,
                            _("Urgency is normal or urgent.")))
    def description():
        value = text(data.get("description"), "description", _("a description"), max_length=DESCRIPTION)
        if MARKUP_RE.search(value):
            raise Invalid(_("The description may not contain web page code (HTML tags): write plain text."),
                          field="description")
        return value

    check("description", description)
    check("title", lambda: text(data.get("title"), "title", _("a title"), required=False, max_length=TITLE))
    check("lat", lambda: _coord(data, "lat", -90, 90))
    check("lng", lambda: _coord(data, "lng", -180, 180))
    check("address", lambda: text(data.get("address"), "address", _("the address"), required=False,
                                  max_length=ADDRESS))
    check("phone", phone)
    check("name", lambda: text(data.get("contact_name"), "contact_name", _("a name"), required=False,
                               max_length=NAME))
    check("anonymous", lambda: _bool(data, "anonymous"))
    check("community", lambda: _community(data.get("community")))
    if clean["category"] is not None:
        try:
            clean["answers"] = questions.clean(clean["category"], data.get("answers"), required=not staff)
        except Invalid as exc:
            problems.append(exc)
    faulty = {p.field for p in problems}
    if not faulty & {"lat", "lng", "address", "community"}:
        if (clean["lat"] is None) != (clean["lng"] is None):
            problems.append(Invalid(_("The map position is not valid."), field="lat"))
        elif clean["lat"] is None and not clean["address"] and clean["community"] is None:
            problems.append(Invalid(_("Put a pin on the map or give the address."), field="address"))
    if problems:
        raise Invalid.all_of(problems)
    clean["title"] = clean["title"] or clean["description"][:30]
    return clean


def _community(code) -> Node | None:
    """A community the resident or the staff member picked (a tree node code)."""
    if code in (None, ""):
        return None
    node = tree().get(code) if isinstance(code, str) else None
    if node is None or node.kind not in (Node.Kind.COMMUNITY, Node.Kind.GRID, Node.Kind.COMPOUND):
        raise Invalid(_("Choose a community from the list."), field="community", code="unknown_community")
    return node


def resolve_node(lat: float | None, lng: float | None, address: str, community: Node | None = None,
                 fallback: Node | None = None) -> Node:
    """The deepest tree node the location points at: a compound named in the
    address within the chosen community, the nearest compound or community
    with a point within a few km, a name in the address, else `fallback` (staff:
    their own area), else the default intake node."""
    places = tree()
    if community is not None:
        return _refine_by_address(community, address)
    if lat is not None:
        best, best_km = None, RESOLVE_RADIUS_KM
        for node in places.places:
            if node.lat is None:
                continue
            km = _distance_km(lat, lng, node.lat, node.lng)
            # Prefer compounds: a community point only wins when clearly nearer.
            if node.kind == Node.Kind.COMMUNITY:
                km += 0.3
            if km < best_km:
                best, best_km = node, km
        if best is not None:
            return best
    if address:
        for node in places.places:
            if node.name in address:
                return node
    return fallback or default_node()


def _refine_by_address(node: Node, address: str) -> Node:
    if address:
        for child in tree().descendants(node, Node.Kind.COMPOUND):
            if child.name in address:
                return child
    return node


def default_node() -> Node:
    """Where a request goes whose place cannot be told: HUBIYING_DEFAULT_NODE,
    else the first top-level node where a dispatcher works (so that it lands in
    somebody's queue), else the first top-level node."""
    places = tree()
    code = getattr(settings, "HUBIYING_DEFAULT_NODE", "")
    node = places.get(code) if code else None
    if node is None and places.roots:
        staffed = set(Role.objects.filter(name=R.DISPATCHER, node__in=places.roots).values_list("node_id", flat=True))
        node = next((r for r in places.roots if r.pk in staffed), places.roots[0])
    if node is None:
        raise Invalid(_("The platform has no administrative tree yet."), code="not_configured")
    return node


def staff_area(user) -> Node | None:
    """Where a request registered by `user` goes when its place cannot be told:
    their own area (a grid worker's grid, a community handler's community, a
    dispatcher's town), never the top of the tree where nobody would see it."""
    scopes = scopes_of(user)
    for role in (R.GRID_WORKER, R.DISPATCHER):
        nodes = scopes.nodes.get(role, [])
        if nodes:
            return tree().by_id.get(nodes[0].pk, nodes[0])
    for unit in scopes.units.get(R.HANDLER, []):
        place = unit.jurisdiction.order_by("path").first()
        if place is not None:
            return tree().by_id.get(place.pk, place)
    return None


def owner_of(node: Node) -> Node:
    """Requests are dispatched at the town/subdistrict level above their place."""
    places = tree()
    return places.ancestor_of_kind(node, Node.Kind.TOWN) or places.ancestors(node)[0]


def _distance_km(lat1, lng1, lat2, lng2) -> float:
    p = math.pi / 180
    a = 0.5 - math.cos((lat2 - lat1) * p) / 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * (
        1 - math.cos((lng2 - lng1) * p)) / 2
    return 12742 * math.asin(math.sqrt(a))


def fingerprint(data: dict, actor=None) -> str:
    """The body's digest, bound to the account that sent it: a key replayed by
    someone else is a conflict, never a way to read another person's request."""
    clean = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool, dict)) or v is None}
    clean["\0actor"] = getattr(actor, "pk", None)
    return hashlib.sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


TRACKING_TRIES = 5  # a random tracking number taken already (about one in a billion a day): draw again


def create_appeal(
    data: dict, *, actor=None, channel: str = Appeal.Channel.WEB, photos=(), idempotency_key: str | None = None,
) -> tuple[Appeal, bool]:
    """Creates a request and returns (appeal, created). Staff registering on a
    resident's behalf (hotline, walk-in, patrol, talk day) register it at once.
    A repeated idempotency key returns the first request instead."""
    if idempotency_key:
        if not isinstance(idempotency_key, str) or len(idempotency_key) > 100:
            raise Invalid(_("The Idempotency-Key header must be text of at most 100 characters."),
                          field="Idempotency-Key")
        found = _replay(idempotency_key, data, actor)
        if found:
            return found, False
    if channel not in Appeal.Channel.values:
        raise Invalid(_("Unknown channel."), field="channel")
    staff = channel in STAFF_CHANNELS
    # Community staff run the residents' talk days (deliberation): they register what comes of one, in their community.
    talk_day = channel == Appeal.Channel.TALK_DAY and actor is not None and scopes_of(actor).has(R.COMMUNITY_STAFF)
    if staff and not (actor and (access.may_register(actor) or talk_day)):
        raise Forbidden(_("Only staff may register a request on a resident's behalf."))
    clean = validate(data, staff=staff)
    if staff and not access.may_register(actor) and not (
            clean["community"] and scopes_of(actor).path_covered(R.COMMUNITY_STAFF, clean["community"].path)):
        raise Forbidden(_("Community staff register a talk day's request in their own community only."))
    cleaned_photos = clean_photos(photos)
    for attempt in range(TRACKING_TRIES):
        try:
            with transaction.atomic():
                appeal = _insert(clean, actor=actor, channel=channel, staff=staff, photos=cleaned_photos)
                if idempotency_key:
                    IdempotencyKey.objects.create(key=idempotency_key, fingerprint=fingerprint(data, actor),
                                                  appeal=appeal)
            return appeal, True
        except IntegrityError:
            if idempotency_key:
                found = _replay(idempotency_key, data, actor)
                if found:
                    return found, False
            if attempt == TRACKING_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _replay(key: str, data: dict, actor=None) -> Appeal | None:
    row = IdempotencyKey.objects.select_related("appeal").filter(key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint(data, actor):
        raise Conflict(_("This Idempotency-Key was already used for a different request."),
                       code="idempotency_key_reused")
    return row.appeal


def _insert(clean: dict, *, actor, channel: str, staff: bool, photos) -> Appeal:
    now = timezone.now()
    node = resolve_node(clean["lat"], clean["lng"], clean["address"], clean["community"],
                        fallback=staff_area(actor) if staff else None)
    owner = owner_of(node)
    resident = actor if actor is not None and not staff and scopes_of(actor).has(R.RESIDENT) else None
    appeal = Appeal(
        tracking_no=tracking.new(now), channel=channel, type=clean["type"], category=clean["category"],
        title=clean["title"], description=clean["description"], urgency=clean["urgency"],
        answers=clean.get("answers") or {}, status=Status.SUBMITTED, lat=clean["lat"], lng=clean["lng"],
        address=clean["address"],
        node=node, node_path=node.path, owner_node=owner, owner_path=owner.path,
        contact_name=clean["name"], contact_phone=clean["phone"], anonymous=clean["anonymous"],
        submitted_by=resident, created_by=actor if staff else None, created_at=now,
    )
    appeal.search_text = search.document(appeal.title, appeal.description, appeal.address, appeal.tracking_no)
    for name, value in step_changes(appeal, TimeLimit.Step.DISPATCH, now).items():
        setattr(appeal, name, value)
    appeal.save()
    # The outbox worker tells the dispatchers and sends the resident the private link.
    event = record_event(
        appeal=appeal, action="submit", from_status="", to_status=Status.SUBMITTED,
        actor=actor if staff or resident else None, at=now,
        # What the figures (analysis) count the request by, as it was received.
        data={"channel": channel, "category": appeal.category_id, "type": appeal.type, "urgency": appeal.urgency,
              "node": node.pk},
    )
    for content, width, height, token in photos:
        AppealPhoto.objects.create(appeal=appeal, event=event, token=token, image=content, width=width,
                                   height=height)
    if staff:
        commit(appeal, actor, "register-on-behalf", now=now, data={"on_behalf": True})
    return appeal


def community_unit(node: Node) -> Unit | None:
    community = tree().ancestor_of_kind(node, Node.Kind.COMMUNITY)
    if community is None:
        return None
    return Unit.objects.filter(kind=Unit.Kind.COMMUNITY, jurisdiction=community, active=True).first()


def quick_resolve(data: dict, *, actor, channel: str, result: str, content: str, photos=()) -> Appeal:
    """即接即办: a grid worker or community handler registers a small matter and
    resolves it on the spot. It still gets the full timeline: submit, register,
    dispatch to the community, sign for and reply."""
    scopes = scopes_of(actor)
    if not access.may_resolve_on_the_spot(actor):
        raise Forbidden(_("Only grid workers and community handlers handle matters on the spot."))
    if channel not in STAFF_CHANNELS:
        raise Invalid(_("Unknown channel."), field="channel")
    if result not in Appeal.Result.values:
        raise Invalid(_("Choose the result: resolved, explained or cannot be solved."), field="result")
    content = text(content, "content", _("the reply"))
    with transaction.atomic():
        appeal, _created = create_appeal(data, actor=actor, channel=channel, photos=photos)
        unit = community_unit(appeal.node)
        if unit is None:
            raise Invalid(_("This place has no community office to handle it on the spot."), field="address")
        if scopes.has(R.HANDLER) and not scopes.has(R.GRID_WORKER) and unit.pk not in scopes.unit_ids():
            raise Forbidden(_("You may handle on the spot only in your own community."))
        if scopes.has(R.GRID_WORKER) and not scopes.superuser and \
                not scopes.path_covered(R.GRID_WORKER, appeal.node_path):
            raise Forbidden(_("You may handle on the spot only in your own grid."))
        now = timezone.now()
        flag = {"on_the_spot": True}
        commit(appeal, actor, "dispatch-on-the-spot", now=now,
               changes={"unit": unit, "handle_due": now, "step_due": None, "step_warn_at": None},
               data={**flag, "unit": unit.pk, "unit_name": unit.name})
        commit(appeal, actor, "sign-on-the-spot", now=now, data=flag)
        commit(appeal, actor, "reply-on-the-spot", now=now, note=content,
               changes={"reply_result": result, "reply_content": content, "replied_at": now, "reply_on_time": True,
                        **step_changes(appeal, TimeLimit.Step.EVALUATE, now)},
               data={**flag, "result": result, "on_time": True})
    return appeal

