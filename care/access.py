"""Who may see and do what in care, through the same scopes as requests
(organisations.access). A care recipient's record is personal data:

- community staff and administrators scoped to a node see the recipients of
  its subtree, register them, make their plans and one-off orders, assign
  volunteers and cancel orders;
- a grid worker sees the recipients of their grid, makes one-off orders and
  confirms a done order on a recipient's behalf;
- a canteen's hosts (places) see its meal counts, and nothing of whom they feed
  but the diet;
- a volunteer (no account, their private link) sees the area of the open
  orders they may take and the recipient's name, phone and address only on
  an order they took — each such view logged;
- nobody else, the public included, sees anything of them.
"""

from __future__ import annotations

from appeals.errors import Forbidden, NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Node, Role
from places.models import Place

from .models import Order, Recipient

R = Role.Name
MANAGERS = (R.COMMUNITY_STAFF, R.ADMIN)
CARERS = (R.COMMUNITY_STAFF, R.ADMIN, R.GRID_WORKER)


def caring_nodes(user) -> list[Node] | None:
    return role_nodes(user, CARERS)


def managing_nodes(user) -> list[Node] | None:
    return role_nodes(user, MANAGERS)


def may_care(user) -> bool:
    nodes = caring_nodes(user)
    return nodes is None or bool(nodes)


def may_manage_any(user) -> bool:
    nodes = managing_nodes(user)
    return nodes is None or bool(nodes)


def may_see(user, recipient: Recipient) -> bool:
    return covers(caring_nodes(user), recipient.node)


def may_manage(user, recipient: Recipient) -> bool:
    return covers(managing_nodes(user), recipient.node)


def recipients_for(user):
    nodes = caring_nodes(user)
    if nodes is None:
        return Recipient.objects.all()
    return Recipient.objects.filter(path_q("node__path", nodes)) if nodes else Recipient.objects.none()


def orders_for(user):
    nodes = caring_nodes(user)
    if nodes is None:
        return Order.objects.all()
    return Order.objects.filter(path_q("recipient__node__path", nodes)) if nodes else Order.objects.none()


def get_recipient_for(user, pk, manage: bool = False) -> Recipient:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("") from None
    recipient = Recipient.objects.select_related("node").filter(pk=pk).first()
    if recipient is None or not may_see(user, recipient):
        raise NotFound("")  # not even whether they exist
    if manage and not may_manage(user, recipient):
        raise Forbidden("")
    return recipient


def canteens_for(user):
    """The canteens whose meal counts `user` sees: those under the nodes they
    care for, and those they host."""
    canteens = Place.objects.filter(kind=Place.Kind.CANTEEN)
    if not getattr(user, "is_authenticated", False):
        return canteens.none()
    nodes = caring_nodes(user)
    if nodes is None:
        return canteens
    hosted = canteens.filter(hosts=user)
    return (canteens.filter(path_q("node__path", nodes)) | hosted).distinct() if nodes else hosted


def may_count_meals(user) -> bool:
    return may_care(user) or canteens_for(user).exists()
