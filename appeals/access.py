"""Who may see a request, act on it, and see its resident's contact: the one
module of these rules, used by pages, the API and the services alike.

- `visible_appeals` / `get_appeal_for`: what a signed-in person may see.
- `holds_role`: whether a person acts on a request in a role (the transition
  table in `appeals.workflow` names the roles of each action).
- `may_see_contact` / `contact_for`: the resident's phone, masked unless the
  viewer must call them, and every full view logged.
- `actor_name`: how the person behind a timeline event is named to a viewer.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.access import Scopes, path_q, scopes_of
from organisations.models import PersonalDataView, Role

from .errors import NotFound
from .models import Appeal, AppealEvent, CoUnit

R = Role.Name
NODE_READERS = (R.GRID_WORKER, R.DISPATCHER, R.SUPERVISOR, R.LEADER, R.ADMIN, R.COMMUNITY_STAFF)
# A handler acting for a co-unit (协办) of the request, not its lead unit.
CO_HANDLER = "co_handler"

__all__ = ["scopes_of", "visible_appeals", "get_appeal_for", "holds_role", "may_see_contact", "contact_for",
           "actor_name", "CO_HANDLER"]


# --- Seeing -----------------------------------------------------------------------

def visible_appeals(user):
    """Requests `user` may see: a resident their own, a handler their unit's
    (lead or co-unit), node-scoped staff their subtree's (dispatchers also
    what they own), a grid worker also what they registered."""
    qs = Appeal.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scopes = scopes_of(user)
    if scopes.superuser:
        return qs
    q = Q(pk__in=[])
    if R.RESIDENT in scopes.names:
        q |= Q(submitted_by=user)
    for role in NODE_READERS:
        nodes = scopes.nodes.get(role, [])
        if nodes:
            q |= path_q("node_path", nodes)
            if role == R.DISPATCHER:
                q |= path_q("owner_path", nodes)
    if R.GRID_WORKER in scopes.names:
        q |= Q(created_by=user)
    units = scopes.unit_ids()
    if units:
        # EXISTS rather than a join: a join repeats rows and needs an outer pk IN (…),
        # which PostgreSQL cannot narrow to the one request a detail page asks for.
        co_unit = CoUnit.objects.filter(appeal_id=OuterRef("pk"), unit_id__in=units)
        q |= Q(unit_id__in=units) | Exists(co_unit)
    return qs.filter(q)


def get_appeal_for(user, pk) -> Appeal:
    """The request if `user` may see it, else NotFound (never reveal existence)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("No such request.")) from None
    appeal = (
        visible_appeals(user).select_related("category", "category__parent", "unit", "node", "owner_node")
        .filter(pk=pk).first()
    )
    if appeal is None:
        raise NotFound(_("No such request."))
    return appeal


def is_staff(user) -> bool:
    """Staff see whole timelines with names; residents and the public the public part."""
    return scopes_of(user).is_staff_role


def intake_limit(user) -> tuple[str, str | None] | None:
    """The rate limit a submission counts against: the client's without
    signing in, the account's when signed in as a resident (so that a script
    holding an account is stopped too), none for staff registering requests on
    residents' behalf. (scope, ident): ident None means the client address."""
    if not user.is_authenticated:
        return "intake", None
    if is_staff(user):
        return None
    return "intake-account", f"user:{user.pk}"


def may_register(user) -> bool:
    """Who registers a request on a resident's behalf (hotline, walk-in, patrol, talk day)."""
    return scopes_of(user).has(R.GRID_WORKER, R.DISPATCHER, R.HANDLER)


def may_resolve_on_the_spot(user) -> bool:
    return scopes_of(user).has(R.GRID_WORKER, R.HANDLER)


# --- Acting -----------------------------------------------------------------------

def co_parts(appeal: Appeal) -> list[CoUnit]:
    """The co-units' parts of the request, read once per loaded request."""
    cached = getattr(appeal, "_co_parts", None)
    if cached is None:
        cached = list(CoUnit.objects.filter(appeal_id=appeal.pk).select_related("unit").order_by("pk"))
        appeal._co_parts = cached
    return cached


def co_part_of(appeal: Appeal, user) -> CoUnit | None:
    """The part of the request that belongs to one of `user`'s units."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    units = scopes_of(user).unit_ids()
    return next((p for p in co_parts(appeal) if p.unit_id in units), None)


def holds_role(appeal: Appeal, scopes: Scopes, role: str, user) -> bool:
    """Whether `user` acts on `appeal` in `role`, within that role's scope."""
    if scopes.superuser:
        return role not in (R.RESIDENT, CO_HANDLER)
    if role == CO_HANDLER:
        return R.HANDLER in scopes.names and appeal.unit_id not in scopes.unit_ids() and \
            co_part_of(appeal, user) is not None
    if role not in scopes.names:
        return False
    if role == R.RESIDENT:
        return appeal.submitted_by_id is not None and appeal.submitted_by_id == user.pk
    if role == R.HANDLER:
        return appeal.unit_id in scopes.unit_ids()
    if role == R.DISPATCHER:
        return scopes.path_covered(role, appeal.owner_path)
    if role == R.GRID_WORKER:
        return scopes.path_covered(role, appeal.node_path) or appeal.created_by_id == user.pk
    return scopes.path_covered(role, appeal.node_path)


def works_on(appeal: Appeal, user) -> bool:
    """Whether `user` is a handler of the request's lead unit or of a co-unit:
    they may not record the evaluation of their own unit's reply."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    units = scopes_of(user).unit_ids()
    return bool(units) and (appeal.unit_id in units or co_part_of(appeal, user) is not None)


def urge_interval() -> timedelta:
    return timedelta(minutes=settings.HUBIYING_URGE_INTERVAL_MINUTES)


def urge_refusal(appeal: Appeal, now=None) -> str | None:
    """A repeated urge within the interval tells the unit nothing new."""
    if appeal.last_urged_at is None:
        return None
    now = now or timezone.now()
    next_allowed = appeal.last_urged_at + urge_interval()
    if now >= next_allowed:
        return None
    return _("This request was urged at %(at)s. It can be urged again from %(next)s.") % {
        "at": timezone.localtime(appeal.last_urged_at).strftime("%H:%M"),
        "next": timezone.localtime(next_allowed).strftime("%H:%M"),
    }


# --- The resident's contact -------------------------------------------------------

def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****"


def phone_tail(phone: str) -> str:
    """The last four digits only: what a page anyone can reach may say of the
    phone a code goes to (the resident recognises it, nobody else learns it)."""
    return phone[-4:] if len(phone) >= 7 else ""


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def may_see_contact(user, appeal: Appeal) -> bool:
    """The handler who must call the resident, the dispatcher who owns the
    request and the registering grid worker see the full phone; nobody sees an
    anonymous resident's contact."""
    if appeal.anonymous or not getattr(user, "is_authenticated", False):
        return False
    scopes = scopes_of(user)
    if scopes.superuser:
        return True
    # Compare real ids only: a request registered by staff has no resident
    # account (None), which must not match a visitor without one.
    if appeal.submitted_by_id is not None and appeal.submitted_by_id == user.pk:
        return True
    if R.HANDLER in scopes.names and appeal.unit_id in scopes.unit_ids():
        return True
    if R.DISPATCHER in scopes.names and scopes.path_covered(R.DISPATCHER, appeal.owner_path):
        return True
    return appeal.created_by_id is not None and appeal.created_by_id == user.pk


def contact_for(user, appeal: Appeal, *, reveal: bool = False) -> dict:
    """The contact as this viewer may see it. The full name and phone are shown
    only when asked for (`reveal`, a POST) by someone who may, and each such
    view is logged, field by field."""
    if appeal.anonymous:
        return {"name": _("Anonymous"), "phone": "", "masked": True}
    if reveal and may_see_contact(user, appeal):
        subject = f"appeal:{appeal.pk}"
        PersonalDataView.objects.bulk_create([
            PersonalDataView(viewer=user, subject=subject, field=field)
            for field in ("contact_name", "contact_phone") if getattr(appeal, field)
        ])
        return {"name": appeal.contact_name, "phone": appeal.contact_phone, "masked": False}
    return {"name": mask_name(appeal.contact_name), "phone": mask_phone(appeal.contact_phone), "masked": True}


# --- Naming people on the timeline --------------------------------------------------

# What a resident does; with no actor, an event of these is the resident's own.
RESIDENT_EVENTS = {"submit", "evaluate", "withdraw", "comment"}


def actor_name(event: AppealEvent, appeal: Appeal, *, staff: bool) -> str:
    """How the person behind `event` is named to a viewer: to the public and
    residents only a unit ever acts (its name, or nothing); staff see staff by
    name, and the resident only as "the resident" — never an account name
    (it may be a phone number), and never on an anonymous request."""
    if not staff:
        return event.actor_unit.name if event.actor_unit_id else ""
    if event.actor_id is None:
        return _("the resident") if event.action in RESIDENT_EVENTS else _("the platform")
    if event.actor_id == appeal.submitted_by_id:
        return _("the resident")
    return event.actor.get_full_name() or event.actor.get_username()
