"""Who may see and do what in the care plans, through the same scopes as
requests (organisations.access). A person's record is personal data:

- a case worker (残联专干) scoped to a node keeps the records of its subtree:
  registers people, records visits, assessments, plan items and services,
  moves plan items, and alone may see a certificate number in full (on
  request, logged);
- community staff see the records of their subtree (masked; name, phones and
  address on request, logged) and record home visits;
- the federation head (残联负责人) sees every record of their scope as community
  staff do, reads the access log of who viewed whom, and the figures;
- nobody else — leaders see only the figures on the dashboard, with no name.
"""

from __future__ import annotations

from django.db.models import Q

from appeals.errors import Forbidden, NotFound
from organisations.access import covers, path_q, role_nodes, scopes_of
from organisations.models import Node, Role

from .models import JobFair, Person

R = Role.Name
READERS = (R.CASE_WORKER, R.COMMUNITY_STAFF, R.FEDERATION_HEAD)
VISITORS = (R.CASE_WORKER, R.COMMUNITY_STAFF)
MANAGERS = (R.CASE_WORKER,)
AUDITORS = (R.FEDERATION_HEAD,)
COUNTERS = (R.CASE_WORKER, R.FEDERATION_HEAD)  # the figures page of the care plans

ACTIONS = {"see": READERS, "visit": VISITORS, "manage": MANAGERS}


def nodes_for(user, action: str = "see") -> list[Node] | None:
    return role_nodes(user, ACTIONS[action])


def may_any(user, action: str = "see") -> bool:
    nodes = nodes_for(user, action)
    return nodes is None or bool(nodes)


def may(user, person: Person, action: str = "see") -> bool:
    return covers(nodes_for(user, action), person.node)


def may_manage_node(user, node: Node) -> bool:
    return covers(nodes_for(user, "manage"), node)


def may_reveal_certificate(user, person: Person) -> bool:
    """A case worker of the person's place only: not community staff, not the
    head, and not a superuser without the role."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(n.contains(person.node) for n in scopes_of(user).nodes.get(R.CASE_WORKER, []))


def people_for(user, action: str = "see"):
    nodes = nodes_for(user, action)
    if nodes is None:
        return Person.objects.all()
    return Person.objects.filter(path_q("node__path", nodes)) if nodes else Person.objects.none()


def get_person_for(user, pk, action: str = "see") -> Person:
    """The person, or NotFound (not even whether they exist) / Forbidden (seen, not to be changed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("") from None
    person = Person.objects.select_related("node").filter(pk=pk).first()
    if person is None or not may(user, person):
        raise NotFound("")
    if action != "see" and not may(user, person, action):
        raise Forbidden("")
    return person


def audit_nodes(user) -> list[Node] | None:
    return role_nodes(user, AUDITORS)


def may_audit(user) -> bool:
    nodes = audit_nodes(user)
    return nodes is None or bool(nodes)


def count_nodes(user) -> list[Node] | None:
    return role_nodes(user, COUNTERS)


def may_count(user) -> bool:
    nodes = count_nodes(user)
    return nodes is None or bool(nodes)


def fairs_for(user):
    """Job fairs a reader sees: those held in their subtree or above it (a county's fair serves every community)."""
    nodes = nodes_for(user)
    if nodes is None:
        return JobFair.objects.all()
    if not nodes:
        return JobFair.objects.none()
    ancestors = {p for n in nodes for p in _ancestor_paths(n)}
    return JobFair.objects.filter(path_q("node__path", nodes) | Q(node__path__in=sorted(ancestors)))


def _ancestor_paths(node: Node) -> list[str]:
    parts = node.path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
