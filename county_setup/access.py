"""Who may set a county up: superusers (everything) and administrators (the
`admin` role), each over their own subtrees. Categories and time limits are
the county's own lists: any administrator keeps them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organisations.access import role_nodes
from organisations.models import Node, Role


def scope_of(user) -> list[Node] | None:
    """The subtrees `user` sets up: None for everywhere (a superuser), [] for nobody's."""
    return role_nodes(user, (Role.Name.ADMIN,))


def may_set_up(user) -> bool:
    nodes = scope_of(user)
    return nodes is None or bool(nodes)


def check(user) -> list[Node] | None:
    """The user's scope, or PermissionDenied (the 403 page) for anybody else."""
    if not may_set_up(user):
        raise PermissionDenied
    return scope_of(user)
