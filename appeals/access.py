"""The one access helper for requests, used by pages and the API alike."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from organisations.access import path_q, scopes_of
from organisations.models import PersonalDataView, Role

from .errors import NotFound
from .models import Appeal

R = Role.Name
NODE_READERS = (R.GRID_WORKER, R.DISPATCHER, R.SUPERVISOR, R.LEADER, R.ADMIN)


def visible_appeals(user):
    """Requests `user` may see: a resident their own, a handler their unit's,
    node-scoped staff their subtree's (dispatchers also what they own)."""
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
        co_unit = Appeal.co_units.through.objects.filter(appeal_id=OuterRef("pk"), unit_id__in=units)
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


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****"


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
    """The contact as this viewer may see it. A full phone is shown only when
    asked for (`reveal`) by someone who may, and each such view is logged."""
    if appeal.anonymous:
        return {"name": _("Anonymous"), "phone": "", "masked": True}
    if reveal and may_see_contact(user, appeal):
        PersonalDataView.objects.create(viewer=user, subject=f"appeal:{appeal.pk}", field="contact_phone")
        return {"name": appeal.contact_name, "phone": appeal.contact_phone, "masked": False}
    return {"name": mask_name(appeal.contact_name), "phone": mask_phone(appeal.contact_phone), "masked": True}
