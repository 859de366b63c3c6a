"""The transition tables of a topic and of an agenda item. Every change of
state goes through `move_topic` or `move_item`, inside the transaction that
holds the row's lock (select_for_update): of two organisers deciding one item
at once, the second finds it decided and is refused."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from hubiying import transitions

from .models import Item, Topic

T = Topic.State
OC = Item.Outcome

# (action, from) -> to
TOPIC_TRANSITIONS: dict[tuple[str, str], str] = {
    ("schedule", T.OPEN): T.ON_AGENDA,  # put on a meeting's agenda
    ("unschedule", T.ON_AGENDA): T.OPEN,  # its item was taken off the agenda before a decision
    ("agree", T.ON_AGENDA): T.DECIDED,
    ("refer", T.ON_AGENDA): T.DECIDED,  # decided: handled as a request
    ("defer", T.ON_AGENDA): T.OPEN,  # waits for the next meeting
    ("reject", T.ON_AGENDA): T.DROPPED,
    ("drop", T.OPEN): T.DROPPED,  # not taken up, without a meeting
}

ITEM_TRANSITIONS: dict[tuple[str, str], str] = {
    ("agree", OC.PENDING): OC.AGREED,
    ("defer", OC.PENDING): OC.DEFERRED,
    ("reject", OC.PENDING): OC.REJECTED,
    ("refer", OC.PENDING): OC.REFERRED,
    ("refer", OC.AGREED): OC.REFERRED,  # agreed, then handed over as a request to follow it up
}

# What deciding an item does to its topic.
TOPIC_ACTION_OF = {"agree": "agree", "defer": "defer", "reject": "reject", "refer": "refer"}
# The outcome an organiser picks -> the action.
DECISIONS = {OC.AGREED: "agree", OC.DEFERRED: "defer", OC.REJECTED: "reject"}


def topic_allowed(action: str, state: str) -> bool:
    return (action, state) in TOPIC_TRANSITIONS


def item_allowed(action: str, outcome: str) -> bool:
    return (action, outcome) in ITEM_TRANSITIONS


def move_topic(topic: Topic, action: str) -> Topic:
    """Apply `action` to `topic` (locked by the caller) and save it."""
    return transitions.apply(topic, TOPIC_TRANSITIONS, {}, action,
                             _("This topic is “%(state)s”: that cannot be done now."))


def move_item(item: Item, action: str, **fields) -> Item:
    """Apply `action` to `item` (locked by the caller) and save it with `fields`."""
    return transitions.apply(item, ITEM_TRANSITIONS, {}, action,
                             _("This item is “%(outcome)s”: that cannot be done now."), field="outcome",
                             decided_at=item.decided_at or timezone.now(), **fields)
