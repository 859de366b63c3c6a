"""The timeline is the outbox: each event names whoever must act next, and
this module turns unprocessed events into notifications after the
transaction commits. SMS or WeChat adapters would claim the same rows.

A row is claimed with a conditional UPDATE (notified_at IS NULL), so two
workers never deliver the same event twice.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from organisations.models import Node, Role

R = Role.Name

# action -> who is told
TO_DISPATCHERS = {"submit", "return", "request-extension", "escalate"}
TO_HANDLERS = {"dispatch", "reopen", "urge", "supervise", "approve-extension"}
TO_RESIDENT = {"reply", "reject"}
# While a request waits for (re-)dispatch, urging or supervising it is the dispatchers' business,
# not that of the unit that returned it.
DISPATCH_STAGE = {"submitted", "registered", "returned"}


def dispatchers_for(owner: Node):
    """The dispatchers at the owner node, or at the nearest level above with any."""
    for node in reversed(owner.ancestors()):
        users = list(get_user_model().objects.filter(roles__name=R.DISPATCHER, roles__node=node, is_active=True))
        if users:
            return users
    return []


def recipients(event) -> list:
    appeal = event.appeal
    User = get_user_model()
    people: list = []
    if event.data.get("on_the_spot") and event.action in ("dispatch", "sign"):
        return []  # 即接即办: the actor did these steps themselves; nobody else must act
    if event.action == "submit" and appeal.status not in DISPATCH_STAGE:
        return []  # already dispatched or resolved (on the spot) by the time it is delivered
    to_dispatchers = event.action in TO_DISPATCHERS or (
        event.action == "evaluate" and event.data.get("rating") == "dissatisfied"
    ) or (event.action in ("urge", "supervise") and (event.to_status in DISPATCH_STAGE or not appeal.unit_id))
    if to_dispatchers:
        people = dispatchers_for(appeal.owner_node)
    elif event.action in TO_HANDLERS and appeal.unit_id:
        unit_ids = [appeal.unit_id]
        if event.action == "dispatch":
            unit_ids += list(event.data.get("co_units") or [])
        people = list(User.objects.filter(roles__name=R.HANDLER, roles__unit_id__in=unit_ids, is_active=True))
    elif event.action in TO_RESIDENT and appeal.submitted_by_id:
        people = [appeal.submitted_by]
    return [p for p in {p.pk: p for p in people}.values() if p.pk != event.actor_id]


def deliver(event_ids: list[int]) -> int:
    from appeals.models import AppealEvent

    from .models import Notification

    made = 0
    for event in AppealEvent.objects.filter(pk__in=event_ids, notified_at__isnull=True).select_related(
        "appeal", "appeal__owner_node"
    ):
        with transaction.atomic():
            if not AppealEvent.objects.filter(pk=event.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            ):
                continue  # another worker claimed it
            rows = [Notification(user=u, event=event) for u in recipients(event)]
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            made += len(rows)
    return made


def deliver_pending(limit: int = 1000) -> int:
    from appeals.models import AppealEvent

    ids = list(AppealEvent.objects.filter(notified_at__isnull=True).values_list("pk", flat=True)[:limit])
    return deliver(ids)


def deliver_after_commit(event) -> None:
    # robust: the action has already committed, so a failed delivery must not
    # turn it into an error page; the row stays unclaimed for deliver_pending().
    transaction.on_commit(lambda: deliver([event.pk]), robust=True)
