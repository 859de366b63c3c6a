"""The one transition table of a sign-up. Every change of state goes through
`move`, inside the transaction that holds the event's row lock."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hubiying import transitions

from .models import Signup

S = Signup.State

# (action, from) -> to. A new sign-up starts CONFIRMED when a place is free, WAITING otherwise.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("promote", S.WAITING): S.CONFIRMED,  # a place came free: the first on the waiting list moves up
    ("cancel", S.CONFIRMED): S.CANCELLED,
    ("cancel", S.WAITING): S.CANCELLED,
    ("check_in", S.CONFIRMED): S.ATTENDED,
    ("check_in", S.NO_SHOW): S.ATTENDED,  # came late, after the list was closed
    ("no_show", S.CONFIRMED): S.NO_SHOW,  # the organiser closed the attendance
}

STAMPS = {"promote": "promoted_at", "cancel": "cancelled_at", "check_in": "checked_in_at"}


def allowed(action: str, state: str) -> bool:
    return (action, state) in TRANSITIONS


def move(signup: Signup, action: str, **fields) -> Signup:
    """Apply `action` to `signup` (locked by the caller) and save it."""
    return transitions.apply(signup, TRANSITIONS, STAMPS, action,
                             _("This sign-up is %(state)s: that cannot be done now."), **fields)
