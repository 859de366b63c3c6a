"""The one transition table of a care order. Every change of state goes
through `move`, on a row the caller locked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hubiying import transitions

from .models import Order

S = Order.State

# (action, from) -> to
TRANSITIONS: dict[tuple[str, str], str] = {
    ("take", S.OPEN): S.TAKEN,  # a volunteer takes it, or staff assign one
    ("release", S.TAKEN): S.OPEN,  # the volunteer cannot go after all
    ("done", S.TAKEN): S.DONE,  # the volunteer says it is done (delivered, cleaned…)
    ("confirm", S.DONE): S.CONFIRMED,  # the recipient's tap, or the grid worker on their behalf: hours earned
    ("cancel", S.OPEN): S.CANCELLED,
    ("cancel", S.TAKEN): S.CANCELLED,
}

STAMPS = {"take": "taken_at", "done": "done_at", "confirm": "confirmed_at", "cancel": "cancelled_at"}


def allowed(action: str, state: str) -> bool:
    return (action, state) in TRANSITIONS


def move(order: Order, action: str, **fields) -> Order:
    return transitions.apply(order, TRANSITIONS, STAMPS, action,
                             _("This order is %(state)s: that cannot be done now."), **fields)
