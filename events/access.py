"""Who may do what with events, through the same scopes as requests
(organisations.access): anyone reads published events and signs up; community
staff and administrators scoped to a node organise the events of its subtree
(create, change, call off, see the sign-ups with masked phones, check people
in, close the attendance)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from appeals.errors import Forbidden, NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Node, Role

from .models import Event

R = Role.Name
ORGANISERS = (R.COMMUNITY_STAFF, R.ADMIN)


def organising_nodes(user) -> list[Node] | None:
    """The nodes under which `user` organises events; None for everywhere (superusers)."""
    return role_nodes(user, ORGANISERS)


def may_manage_node(user, node: Node) -> bool:
    return covers(organising_nodes(user), node)


def may_manage(user, event: Event) -> bool:
    return may_manage_node(user, event.node)


def may_organise(user) -> bool:
    nodes = organising_nodes(user)
    return nodes is None or bool(nodes)


def managed_events(user):
    nodes = organising_nodes(user)
    if nodes is None:
        return Event.objects.all()
    if not nodes:
        return Event.objects.none()
    return Event.objects.filter(path_q("node__path", nodes))


def public_events():
    return Event.objects.filter(published=True)


def get_event_for(user, pk, manage: bool = False) -> Event:
    """The event (NotFound when unpublished and not the user's to organise;
    Forbidden to manage one of another community)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("No such event.")) from None
    event = Event.objects.select_related("node", "place", "theme").filter(pk=pk).first()
    if event is None or (not event.published and not may_manage(user, event)):
        raise NotFound(_("No such event."))
    if manage and not may_manage(user, event):
        raise Forbidden(_("You do not organise events in this community."))
    return event
