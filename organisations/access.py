"""Who holds which role where: the small predicates every page and endpoint uses.

A user's roles are read once per request and cached on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Node, Role, Unit

STAFF_ROLES = {
    Role.Name.GRID_WORKER, Role.Name.HANDLER, Role.Name.DISPATCHER,
    Role.Name.SUPERVISOR, Role.Name.LEADER, Role.Name.ADMIN, Role.Name.COMMUNITY_STAFF,
    Role.Name.CASE_WORKER, Role.Name.FEDERATION_HEAD,
}


@dataclass
class Scopes:
    """The nodes and units each of a user's roles covers."""

    nodes: dict[str, list[Node]] = field(default_factory=dict)
    units: dict[str, list[Unit]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    superuser: bool = False

    def has(self, *roles: str) -> bool:
        return self.superuser or any(r in self.names for r in roles)

    @property
    def is_staff_role(self) -> bool:
        return self.superuser or bool(self.names & STAFF_ROLES)

    def node_covers(self, role: str, node: Node | None) -> bool:
        """True when one of `role`'s nodes is `node` or an ancestor of it."""
        if self.superuser:
            return True
        return node is not None and any(n.contains(node) for n in self.nodes.get(role, []))

    def path_covered(self, role: str, path: str) -> bool:
        if self.superuser:
            return True
        return any(path.startswith(n.path) for n in self.nodes.get(role, []))

    def unit_ids(self, role: str = Role.Name.HANDLER) -> set[int]:
        return {u.pk for u in self.units.get(role, [])}


def scopes_of(user) -> Scopes:
    if not getattr(user, "is_authenticated", False):
        return Scopes()
    cached = getattr(user, "_hby_scopes", None)
    if cached is not None:
        return cached
    scopes = Scopes(superuser=user.is_superuser)
    for role in Role.objects.filter(user=user).select_related("node", "unit"):
        scopes.names.add(role.name)
        if role.node_id:
            scopes.nodes.setdefault(role.name, []).append(role.node)
        if role.unit_id:
            scopes.units.setdefault(role.name, []).append(role.unit)
    user._hby_scopes = scopes
    return scopes


def role_nodes(user, roles) -> list[Node] | None:
    """The nodes `user` holds any of `roles` on; None for everywhere (superusers),
    [] for someone signed out or without them."""
    if not getattr(user, "is_authenticated", False):
        return []
    scopes = scopes_of(user)
    if scopes.superuser:
        return None
    return [n for role in roles for n in scopes.nodes.get(role, [])]


def covers(nodes: list[Node] | None, node: Node) -> bool:
    """Whether `node` lies under one of `nodes` (None: everywhere)."""
    return nodes is None or any(node.path.startswith(n.path) for n in nodes)


def path_q(field_name: str, nodes: list[Node]) -> Q:
    """Rows whose `field_name` path lies in any of `nodes`' subtrees."""
    q = Q(pk__in=[])
    for node in nodes:
        q |= Q(**{f"{field_name}__startswith": node.path})
    return q


def dispatchable_units(user):
    """Units a dispatcher may send work to: those whose jurisdiction touches
    the dispatcher's subtree or one of its ancestors (a county department
    serves every town)."""
    scopes = scopes_of(user)
    qs = Unit.objects.filter(active=True)
    if scopes.superuser:
        return qs.order_by("kind", "name")
    nodes = scopes.nodes.get(Role.Name.DISPATCHER, [])
    if not nodes:
        return qs.none()
    q = Q(pk__in=[])
    for node in nodes:
        ancestor_paths = []
        prefix = "/"
        for code in node.path.strip("/").split("/"):
            prefix += code + "/"
            ancestor_paths.append(prefix)
        q |= Q(jurisdiction__path__startswith=node.path) | Q(jurisdiction__path__in=ancestor_paths)
    return qs.filter(q).distinct().order_by("kind", "name")
