"""Whose figures a person may see (built on organisations.access, the one scope module).

Staff who read requests of a tree node (grid workers, dispatchers, supervisors,
leaders, administrators) see the figures of that node, of every node below it
and of every unit serving only inside it; a handler sees their own unit's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from appeals.errors import ActionError, Forbidden, Invalid, NotFound
from organisations.access import scopes_of
from organisations.models import Node, Role, Unit
from organisations.tree import tree

from .figures import Scope

__all__ = ["Scope", "scopes_of", "may_see", "is_reader", "default_scope", "scope_from", "reader_nodes"]

R = Role.Name
# The default scope: the first found.
READERS = (R.LEADER, R.SUPERVISOR, R.ADMIN, R.DISPATCHER, R.COMMUNITY_STAFF, R.GRID_WORKER)


def _nodes(scopes) -> list[Node]:
    return [n for role in READERS for n in scopes.nodes.get(role, [])]


def reader_nodes(user) -> list[Node]:
    """The tree nodes whose figures `user` reads (with everything below them)."""
    return _nodes(scopes_of(user))


def may_see(user, scope: Scope) -> bool:
    scopes = scopes_of(user)
    if scopes.superuser:
        return True
    nodes = _nodes(scopes)
    if scope.node is not None:
        return any(n.contains(scope.node) for n in nodes)
    if scope.unit.pk in scopes.unit_ids():
        return True
    return _serves_only_inside(list(scope.unit.jurisdiction.all()), nodes)


def _serves_only_inside(served: list[Node], nodes: list[Node]) -> bool:
    return bool(served) and all(any(n.contains(s) for n in nodes) for s in served)


def visible_units(user) -> list[Unit]:
    """The active units whose figures `user` may see (as `may_see`), by kind and name:
    their jurisdictions read in one query, for the scope picker."""
    scopes = scopes_of(user)
    units = list(Unit.objects.filter(active=True).order_by("kind", "name"))
    if scopes.superuser:
        return units
    places, nodes, own = tree(), _nodes(scopes), set(scopes.unit_ids())
    served: dict[int, list[Node]] = {}
    for unit_id, node_id in Unit.jurisdiction.through.objects.values_list("unit_id", "node_id"):
        if node_id in places.by_id:
            served.setdefault(unit_id, []).append(places.by_id[node_id])
    return [u for u in units if u.pk in own or _serves_only_inside(served.get(u.pk, []), nodes)]


def is_reader(user) -> bool:
    scopes = scopes_of(user)
    return scopes.superuser or bool(_nodes(scopes)) or bool(scopes.unit_ids())


def default_scope(user) -> Scope | None:
    scopes = scopes_of(user)
    nodes = _nodes(scopes)
    if nodes:
        return Scope(node=min(nodes, key=lambda n: n.path.count("/")))
    units = scopes.units.get(R.HANDLER, [])
    if units:
        return Scope(unit=units[0])
    if scopes.superuser:
        root = Node.objects.filter(parent__isnull=True).order_by("path").first()
        return Scope(node=root) if root else None
    return None


def scope_or_own(value: str | None, user) -> tuple[Scope, ActionError | None]:
    """The scope asked for or, with the reason it cannot be had, the person's own
    (a page shows the reason); nobody's own: PermissionDenied."""
    try:
        return scope_from(value, user), None
    except ActionError as error:
        own = default_scope(user)
        if own is None:
            raise PermissionDenied from error
        return own, error


def scope_from(value: str | None, user) -> Scope:
    """`value`: a tree node's id, or `unit-<id>` for a unit; None for the caller's own scope.
    Refuses what does not exist (404) and what the caller may not see (403)."""
    if value is None:
        scope = default_scope(user)
        if scope is None:
            raise Forbidden(_("You have no scope whose figures you may see."))
        return scope
    value = str(value).strip()
    try:
        is_unit = value.startswith("unit-")
        pk = int(value[5:] if is_unit else value)
        if not 0 < pk < 2**62:
            raise Node.DoesNotExist
        scope = Scope(unit=Unit.objects.get(pk=pk)) if is_unit else Scope(node=Node.objects.get(pk=pk))
    except ValueError:
        raise Invalid(_("The scope is a tree node's id, or unit-<id> for a handling unit."), field="scope") from None
    except (Node.DoesNotExist, Unit.DoesNotExist):
        raise NotFound(_("There is no such scope."), field="scope") from None
    if not may_see(user, scope):
        raise Forbidden(_("You may not see the figures of this scope."))
    return scope
