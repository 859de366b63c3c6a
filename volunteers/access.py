"""Who may do what with volunteers, through the same scopes as requests:
community staff and administrators scoped to a node keep the registry of its
subtree (register, change, send a volunteer their link, see the hours and the
ranking, print certificates) and put volunteers on duty at their events; a
volunteer (no account) reaches their own page by its private link or by a
one-time code to their phone."""

from __future__ import annotations

from appeals.errors import NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Node, Role

from .models import Volunteer

R = Role.Name
MANAGERS = (R.COMMUNITY_STAFF, R.ADMIN)


def managing_nodes(user) -> list[Node] | None:
    return role_nodes(user, MANAGERS)


def may_manage_any(user) -> bool:
    nodes = managing_nodes(user)
    return nodes is None or bool(nodes)


def may_manage(user, volunteer: Volunteer) -> bool:
    return covers(managing_nodes(user), volunteer.node)


def volunteers_for(user):
    nodes = managing_nodes(user)
    if nodes is None:
        return Volunteer.objects.all()
    return Volunteer.objects.filter(path_q("node__path", nodes)) if nodes else Volunteer.objects.none()


def get_volunteer_for(user, pk) -> Volunteer:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("") from None
    volunteer = Volunteer.objects.select_related("node").filter(pk=pk).first()
    if volunteer is None or not may_manage(user, volunteer):
        raise NotFound("")
    return volunteer
