"""Who may do what with topics and meetings, through the same scopes as
requests (organisations.access): anyone reads published meetings, their agenda
and outcome, and the titles of a community's topics (the raiser's name
masked, never their phone); community staff and administrators scoped to a
node run the topics and meetings of its subtree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from appeals.errors import NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Node, Role

from .models import Meeting, Topic

R = Role.Name
ORGANISERS = (R.COMMUNITY_STAFF, R.ADMIN)


def organising_nodes(user) -> list[Node] | None:
    """The nodes under which `user` runs deliberation; None for everywhere (superusers)."""
    return role_nodes(user, ORGANISERS)


def may_manage_node(user, node: Node) -> bool:
    return covers(organising_nodes(user), node)


def may_manage(user, thing: Meeting | Topic) -> bool:
    return may_manage_node(user, thing.node)


def may_organise(user) -> bool:
    nodes = organising_nodes(user)
    return nodes is None or bool(nodes)


def _managed(user, model):
    nodes = organising_nodes(user)
    if nodes is None:
        return model.objects.all()
    if not nodes:
        return model.objects.none()
    return model.objects.filter(path_q("node__path", nodes))


def managed_meetings(user):
    return _managed(user, Meeting)


def managed_topics(user):
    return _managed(user, Topic)


def public_meetings():
    return Meeting.objects.filter(published=True)


def as_int(pk) -> int | None:
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def get_meeting_for(user, pk, manage: bool = False) -> Meeting:
    """The meeting; NotFound when it is unpublished, or asked for to manage, and
    not the user's (never reveal that another community's meeting exists)."""
    meeting = Meeting.objects.select_related("node", "place").filter(pk=as_int(pk)).first()
    if meeting is None or ((manage or not meeting.published) and not may_manage(user, meeting)):
        raise NotFound(_("No such meeting."))
    return meeting


def get_topic_for(user, pk) -> Topic:
    """A topic to manage (NotFound unless it is in the user's subtree)."""
    topic = Topic.objects.select_related("node").filter(pk=as_int(pk)).first()
    if topic is None or not may_manage(user, topic):
        raise NotFound(_("No such topic."))
    return topic
