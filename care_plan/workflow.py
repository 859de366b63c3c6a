"""The one transition table of a plan item. Every change of state goes through
`move`, on a row the caller locked."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubiying import transitions

from .models import PlanItem

S = PlanItem.State

# (action, from) -> to
TRANSITIONS: dict[tuple[str, str], str] = {
    ("arrange", S.NEED): S.PLANNED,  # who does it and by when are settled
    ("start", S.PLANNED): S.IN_PROGRESS,
    ("finish", S.PLANNED): S.DONE,  # a one-off (a device handed over) needs no "under way"
    ("finish", S.IN_PROGRESS): S.DONE,
    ("cancel", S.NEED): S.CANCELLED,  # with a reason: moved away, no longer wanted…
    ("cancel", S.PLANNED): S.CANCELLED,
    ("cancel", S.IN_PROGRESS): S.CANCELLED,
    ("reopen", S.CANCELLED): S.NEED,
    ("reopen", S.DONE): S.NEED,  # the device broke, the job was lost
}

STAMPS = {"arrange": "planned_at", "start": "started_at", "finish": "done_at", "cancel": "cancelled_at"}

LABELS = {
    "arrange": gettext_lazy("Arrange"),
    "start": gettext_lazy("Start"),
    "finish": gettext_lazy("Mark done"),
    "cancel": gettext_lazy("No longer needed"),
    "reopen": gettext_lazy("Open again"),
}


def allowed(action: str, state: str) -> bool:
    return (action, state) in TRANSITIONS


def actions_from(state: str) -> list[str]:
    return [action for (action, source) in TRANSITIONS if source == state]


def move(item: PlanItem, action: str, **fields) -> PlanItem:
    return transitions.apply(item, TRANSITIONS, STAMPS, action,
                             _("This plan item is %(state)s: that cannot be done now."), **fields)
