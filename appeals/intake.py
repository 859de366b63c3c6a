"""Intake (统一收集): a new request from a resident, an API client, or staff on
a resident's behalf, and 即接即办 for small matters handled at once."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.access import scopes_of
from organisations.models import Node, Role, Unit
from organisations.tree import tree

from . import search
from .catalogue import catalogue
from .errors import Conflict, Forbidden, Invalid
from .models import Appeal, AppealPhoto, DailyCounter, IdempotencyKey, Status, TimeLimit
from .photos import clean_photos

R = Role.Name
# ASCII digits only: \d alone would also accept Arabic-Indic or other scripts' digits.
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$", re.ASCII)
STAFF_CHANNELS = {Appeal.Channel.HOTLINE, Appeal.Channel.WALK_IN, Appeal.Channel.PATROL, Appeal.Channel.TALK_DAY}
RESOLVE_RADIUS_KM = 3.0


def _str(data: dict, field: str, label: str, *, required: bool, max_length: int) -> str:
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("%(label)s must be text.") % {"label": label}, field=field)
    value = value.strip()
    if required and not value:
        raise Invalid(_("Please give %(label)s.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise Invalid(_("%(label)s may have at most %(n)d characters.") % {"label": label, "n": max_length},
                      field=field)
    return value


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
    """Checks every field of a new request; returns the clean values."""
    category, leaf = catalogue().leaf(data.get("category"))
    if category is None:
        raise Invalid(_("Choose a category from the list."), field="category")
    if not leaf:
        raise Invalid(_("Choose a more specific category under “%(name)s”.") % {"name": category.name},
                      field="category")
    kind = data.get("type") or Appeal.Type.HELP
    if kind not in Appeal.Type.values:
        raise Invalid(_("Choose the type: question, help, complaint, suggestion or praise."), field="type")
    urgency = data.get("urgency") or Appeal.Urgency.NORMAL
    if urgency not in Appeal.Urgency.values:
        raise Invalid(_("Urgency is normal or urgent."), field="urgency")
    description = _str(data, "description", _("a description"), required=True, max_length=2000)
    title = _str(data, "title", _("a title"), required=False, max_length=100) or description[:30]
    lat = _coord(data, "lat", -90, 90)
    lng = _coord(data, "lng", -180, 180)
    if (lat is None) != (lng is None):
        raise Invalid(_("The map position is not valid."), field="lat")
    address = _str(data, "address", _("the address"), required=False, max_length=200)
    if lat is None and not address:
        raise Invalid(_("Put a pin on the map or give the address."), field="address")
    phone = _str(data, "contact_phone", _("a phone number"), required=not staff, max_length=20)
    # Chinese input methods often type full-width digits (１３８…): keep them as ASCII.
    phone = unicodedata.normalize("NFKC", phone).replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        raise Invalid(_("The phone number does not look right: give an 11-digit mobile or a landline."),
                      field="contact_phone")
    return {
        "category": category, "type": kind, "urgency": urgency, "title": title, "description": description,
        "lat": lat, "lng": lng, "address": address, "phone": phone,
        "name": _str(data, "contact_name", _("a name"), required=False, max_length=40),
        "anonymous": _bool(data, "anonymous"),
        "community": data.get("community") if isinstance(data.get("community"), str) else "",
    }


def resolve_node(lat: float | None, lng: float | None, address: str, community: str = "") -> Node:
    """The deepest tree node the location points at: the nearest compound or
    community with a point within a few km, a name in the address, or the
    default intake node."""
    places = tree()
    if community:
        node = places.get(community)
        if node is not None:
            return _refine_by_address(node, address)
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
    return default_node()


def _refine_by_address(node: Node, address: str) -> Node:
    if address:
        for child in tree().descendants(node, Node.Kind.COMPOUND):
            if child.name in address:
                return child
    return node


def default_node() -> Node:
    places = tree()
    code = getattr(settings, "HUBIYING_DEFAULT_NODE", "")
    node = (places.get(code) if code else None) or (places.roots[0] if places.roots else None)
    if node is None:
        raise Invalid(_("The platform has no administrative tree yet."), code="not_configured")
    return node


def owner_of(node: Node) -> Node:
    """Requests are dispatched at the town/subdistrict level above their place."""
    places = tree()
    return places.ancestor_of_kind(node, Node.Kind.TOWN) or places.ancestors(node)[0]


def _distance_km(lat1, lng1, lat2, lng2) -> float:
    p = math.pi / 180
    a = 0.5 - math.cos((lat2 - lat1) * p) / 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * (
        1 - math.cos((lng2 - lng1) * p)) / 2
    return 12742 * math.asin(math.sqrt(a))


def next_tracking_no(now: datetime) -> str:
    """The day's next number, from one UPDATE … RETURNING on the day's counter
    row (its row lock orders concurrent intakes until they commit)."""
    day = timezone.localdate(now)
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "day" = %s RETURNING "last"', [day])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                DailyCounter.objects.create(day=day, last=1)
            last = 1
        except IntegrityError:  # another intake created the day's row first
            return next_tracking_no(now)
    else:
        last = row[0]
    return f"HBY-{day:%Y%m%d}-{last:04d}"


def fingerprint(data: dict, actor=None) -> str:
    """The body's digest, bound to the account that sent it: a key replayed by
    someone else is a conflict, never a way to read another person's request."""
    clean = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool)) or v is None}
    clean["\0actor"] = getattr(actor, "pk", None)
    return hashlib.sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _staff_may_register(user) -> bool:
    return scopes_of(user).has(R.GRID_WORKER, R.DISPATCHER, R.HANDLER)


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
    if staff and not (actor and _staff_may_register(actor)):
        raise Forbidden(_("Only staff may register a request on a resident's behalf."))
    clean = validate(data, staff=staff)
    cleaned_photos = clean_photos(photos)
    try:
        with transaction.atomic():
            appeal = _insert(clean, actor=actor, channel=channel, staff=staff, photos=cleaned_photos)
            if idempotency_key:
                IdempotencyKey.objects.create(key=idempotency_key, fingerprint=fingerprint(data, actor),
                                              appeal=appeal)
    except IntegrityError:
        if idempotency_key:
            found = _replay(idempotency_key, data, actor)
            if found:
                return found, False
        raise
    return appeal, True


def _replay(key: str, data: dict, actor=None) -> Appeal | None:
    row = IdempotencyKey.objects.select_related("appeal").filter(key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint(data, actor):
        raise Conflict(_("This Idempotency-Key was already used for a different request."),
                       code="idempotency_key_reused")
    return row.appeal


def _insert(clean: dict, *, actor, channel: str, staff: bool, photos) -> Appeal:
    from . import services

    now = timezone.now()
    node = resolve_node(clean["lat"], clean["lng"], clean["address"], clean["community"])
    owner = owner_of(node)
    resident = actor if actor is not None and not staff and scopes_of(actor).has(R.RESIDENT) else None
    appeal = Appeal(
        tracking_no=next_tracking_no(now), channel=channel, type=clean["type"], category=clean["category"],
        title=clean["title"], description=clean["description"], urgency=clean["urgency"],
        status=Status.SUBMITTED, lat=clean["lat"], lng=clean["lng"], address=clean["address"],
        node=node, node_path=node.path, owner_node=owner, owner_path=owner.path,
        contact_name=clean["name"], contact_phone=clean["phone"], anonymous=clean["anonymous"],
        submitted_by=resident, created_by=actor if staff else None, created_at=now,
    )
    appeal.search_text = search.document(appeal.title, appeal.description, appeal.address, appeal.tracking_no)
    step = services._step_changes(appeal, TimeLimit.Step.DISPATCH, now)
    for name, value in step.items():
        setattr(appeal, name, value)
    appeal.save()
    # A request staff registered is the dispatchers' business at once. A
    # resident's submission stays in the outbox (notifications.outbox): it is
    # delivered on a staff member's next page or by run_timers, so intake, the
    # busiest public path, commits once and tells nobody in-request.
    event = services.record_event(
        appeal=appeal, action="submit", from_status="", to_status=Status.SUBMITTED,
        actor=actor if staff or resident else None, at=now, data={"channel": channel}, deliver=staff,
    )
    for content, width, height, token in photos:
        AppealPhoto.objects.create(appeal=appeal, event=event, token=token, image=content, width=width,
                                   height=height)
    if staff:
        services._commit(appeal, actor, "register", role=None, to_status=Status.REGISTERED, now=now,
                         data={"on_behalf": True})
    return appeal


def community_unit(node: Node) -> Unit | None:
    community = tree().ancestor_of_kind(node, Node.Kind.COMMUNITY)
    if community is None:
        return None
    return Unit.objects.filter(kind=Unit.Kind.COMMUNITY, jurisdiction=community, active=True).first()


@transaction.atomic
def quick_resolve(data: dict, *, actor, channel: str, result: str, content: str, photos=()) -> Appeal:
    """即接即办: a grid worker or community handler registers a small matter and
    resolves it on the spot. It still gets the full timeline: submit, register,
    dispatch to the community, sign for and reply."""
    from . import services

    scopes = scopes_of(actor)
    if not scopes.has(R.GRID_WORKER, R.HANDLER):
        raise Forbidden(_("Only grid workers and community handlers handle matters on the spot."))
    if channel not in STAFF_CHANNELS:
        raise Invalid(_("Unknown channel."), field="channel")
    if result not in Appeal.Result.values:
        raise Invalid(_("Choose the result: resolved, explained or cannot be solved."), field="result")
    content = services._text(content, "content", _("the reply"))
    appeal, _created = create_appeal(data, actor=actor, channel=channel, photos=photos)
    unit = community_unit(appeal.node)
    if unit is None:
        raise Invalid(_("This place has no community office to handle it on the spot."), field="address")
    if scopes.has(R.HANDLER) and not scopes.has(R.GRID_WORKER) and unit.pk not in scopes.unit_ids():
        raise Forbidden(_("You may handle on the spot only in your own community."))
    if scopes.has(R.GRID_WORKER) and not scopes.superuser and not scopes.path_covered(R.GRID_WORKER, appeal.node_path):
        raise Forbidden(_("You may handle on the spot only in your own grid."))
    now = timezone.now()
    flag = {"on_the_spot": True}
    services._commit(appeal, actor, "dispatch", role=None, to_status=Status.DISPATCHED, now=now,
                     changes={"unit": unit, "handle_due": now, "step_due": None, "step_warn_at": None},
                     data={**flag, "unit": unit.pk, "unit_name": unit.name})
    services._commit(appeal, actor, "sign", role=None, to_status=Status.SIGNED, now=now, data=flag)
    services._commit(appeal, actor, "reply", role=None, to_status=Status.REPLIED, now=now, note=content,
                     changes={"reply_result": result, "reply_content": content, "replied_at": now,
                              **services._step_changes(appeal, TimeLimit.Step.EVALUATE, now)},
                     data={**flag, "result": result, "on_time": True})
    return appeal
