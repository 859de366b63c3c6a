"""Who may do what with a place, through the same scopes as requests
(organisations.access):

- anyone reads the published places;
- a station host (驿站负责人, listed in the place's hosts) keeps their own
  place's services, hours, special days, photos and public phone up to date;
- community staff and administrators scoped to a node manage every place in
  its subtree (everything a host may do, and the name, kind, position,
  hosts and whether it is shown), and see the coverage of their subtree;
- leaders see the coverage of theirs.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from appeals.errors import Forbidden, NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Node, Role

from .models import Place

R = Role.Name
MANAGERS = (R.COMMUNITY_STAFF, R.ADMIN)
PLANNERS = (R.COMMUNITY_STAFF, R.ADMIN, R.LEADER)


def managed_nodes(user) -> list[Node] | None:
    """The nodes under which `user` manages places; None for everywhere (superusers)."""
    return role_nodes(user, MANAGERS)


def planning_nodes(user) -> list[Node] | None:
    return role_nodes(user, PLANNERS)


def may_manage(user, place: Place) -> bool:
    return covers(managed_nodes(user), place.node)


def may_edit(user, place: Place) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return may_manage(user, place) or place.hosts.filter(pk=user.pk).exists()


def may_create(user) -> bool:
    nodes = managed_nodes(user)
    return nodes is None or bool(nodes)


def editable_places(user):
    """The places `user` keeps up to date: their own as a host, and every
    place under the nodes they manage."""
    qs = Place.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    nodes = managed_nodes(user)
    if nodes is None:
        return qs
    return qs.filter(Q(hosts=user) | path_q("node__path", nodes)).distinct()


def visible_places(user):
    """Published places, and the unpublished ones `user` keeps."""
    published = Place.objects.published()
    if not getattr(user, "is_authenticated", False):
        return published
    return Place.objects.filter(Q(active=True) | Q(pk__in=editable_places(user).values("pk")))


def get_place_for(user, pk, action: str = "view") -> Place:
    """The place for `action` ("view", "edit", "manage"), or NotFound for a
    place the user may not see at all, Forbidden for one they see but may not
    change (a host at someone else's station)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("No such place.")) from None
    place = visible_places(user).select_related("node").filter(pk=pk).first()
    if place is None:
        raise NotFound(_("No such place."))
    if action == "edit" and not may_edit(user, place):
        raise Forbidden(_("You may only keep your own place up to date."))
    if action == "manage" and not (getattr(user, "is_authenticated", False) and may_manage(user, place)):
        raise Forbidden(_("Only the community staff who manage this place may change this."))
    return place


def manageable_nodes(user):
    """The tree nodes a new place may be put under by `user`."""
    nodes = managed_nodes(user)
    qs = Node.objects.all()
    if nodes is None:
        return qs
    return qs.filter(path_q("path", nodes))
