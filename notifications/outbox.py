"""The timeline is the outbox: each event names whoever must act next, and
the worker (`manage.py run_worker`, or `run_timers` from cron) turns
unprocessed events into notifications: in-app ones for staff and resident
accounts, and text messages to the resident's phone (the private link when
the request is received and when it is replied). No page does this: pages
only read.

Events are claimed in batches (SELECT … FOR UPDATE SKIP LOCKED, then
notified_at set), so two workers never deliver the same event twice.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from organisations.models import Node, Role
from organisations.tree import tree

from . import sms
from .models import SmsMessage

R = Role.Name

# action -> who is told
TO_DISPATCHERS = {"submit", "return", "request-extension", "escalate"}
TO_HANDLERS = {"dispatch", "reopen", "urge", "remind", "supervise", "approve-extension", "co-reply", "comment"}
TO_RESIDENT = {"reply", "reject"}
# The resident's phone hears of these, with the request's private link.
SMS_TO_RESIDENT = {"submit", "reply", "close"}  # close: by a dispatcher, after a satisfied word, or by the timer
# Actions that may tell someone; the others' events are born delivered and cost no outbox round.
MAY_TELL = TO_DISPATCHERS | TO_HANDLERS | TO_RESIDENT | SMS_TO_RESIDENT | {"evaluate", "withdraw"}


def may_tell(action: str) -> bool:
    return action in MAY_TELL


# While a request waits for (re-)dispatch, urging or supervising it, or the resident's comment on
# it, is the dispatchers' business, not that of the unit that returned it.
DISPATCH_STAGE = {"submitted", "registered", "returned"}
TO_HOLDER = {"urge", "remind", "supervise", "comment"}


class People:
    """Who holds a role where, asked once per delivery batch: a batch of
    submissions to one town asks for its dispatchers once."""

    def __init__(self):
        self._dispatchers: dict[int, list] = {}
        self._handlers: dict[tuple, list] = {}

    def dispatchers_for(self, owner: Node) -> list:
        """The dispatchers at the owner node, or at the nearest level above with any."""
        if owner.pk not in self._dispatchers:
            users: list = []
            for node in reversed(tree().ancestors(owner)):
                users = list(get_user_model().objects.filter(roles__name=R.DISPATCHER, roles__node=node,
                                                             is_active=True))
                if users:
                    break
            self._dispatchers[owner.pk] = users
        return self._dispatchers[owner.pk]

    def handlers_of(self, unit_ids: list[int]) -> list:
        key = tuple(sorted(set(unit_ids)))
        if key not in self._handlers:
            self._handlers[key] = list(get_user_model().objects.filter(
                roles__name=R.HANDLER, roles__unit_id__in=key, is_active=True))
        return self._handlers[key]


def recipients(event, people: People | None = None) -> list:
    people = people or People()
    appeal = event.appeal
    told: list = []
    if event.data.get("on_the_spot") and event.action in ("dispatch", "sign"):
        return []  # 即接即办: the actor did these steps themselves; nobody else must act
    if event.action == "submit" and appeal.status not in DISPATCH_STAGE:
        return []  # already dispatched or resolved (on the spot) by the time it is delivered
    to_dispatchers = event.action in TO_DISPATCHERS or (
        event.action == "evaluate" and event.data.get("rating") == "dissatisfied"
    ) or (event.action in TO_HOLDER and (event.to_status in DISPATCH_STAGE or not appeal.unit_id))
    if to_dispatchers:
        told = people.dispatchers_for(appeal.owner_node)
    elif event.action in TO_HANDLERS and appeal.unit_id:
        unit_ids = [appeal.unit_id]
        if event.action in ("dispatch", "reopen"):  # the co-units take part (again)
            unit_ids += list(event.data.get("co_units") or [])
        told = people.handlers_of(unit_ids)
    elif event.action == "withdraw" and appeal.unit_id and event.from_status not in DISPATCH_STAGE:
        told = people.handlers_of([appeal.unit_id])  # the unit working on it may stop
    elif event.action in TO_RESIDENT and appeal.submitted_by_id:
        told = [appeal.submitted_by]
    return [p for p in {p.pk: p for p in told}.values() if p.pk != event.actor_id]


def resident_sms(event) -> tuple[str, dict] | None:
    """The text message an event sends to the resident's phone, if any."""
    from appeals.residents import private_url

    appeal = event.appeal
    if event.action not in SMS_TO_RESIDENT or not appeal.contact_phone:
        return None
    if event.action == "submit":
        if appeal.replied_at is not None:
            return None  # handled on the spot: the reply's message carries the link
        return SmsMessage.Template.APPEAL_RECEIVED, {"no": appeal.tracking_no, "link": private_url(appeal)}
    if event.action == "close":
        return SmsMessage.Template.APPEAL_CLOSED, {"no": appeal.tracking_no, "link": private_url(appeal)}
    return SmsMessage.Template.APPEAL_REPLIED, {"no": appeal.tracking_no, "link": private_url(appeal)}


def deliver(event_ids: list[int]) -> int:
    """Claims the events nobody has delivered and makes their notifications
    and text messages, in one transaction: a failure leaves them all for the
    next try. On PostgreSQL, rows another worker is delivering are skipped, not
    waited for; elsewhere a double claim is harmless (one notification per
    user and event)."""
    from appeals.models import AppealEvent

    from .models import Notification

    with transaction.atomic():
        events = list(
            AppealEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=event_ids, notified_at__isnull=True)
            .select_related("appeal", "appeal__owner_node")
        )
        if not events:
            return 0
        AppealEvent.objects.filter(pk__in=[e.pk for e in events]).update(notified_at=timezone.now())
        people = People()
        rows = [Notification(user=u, event=e) for e in events for u in recipients(e, people)]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        for event in events:
            message = resident_sms(event)
            if message:
                sms.queue(event.appeal.contact_phone, *message, urgent=event.appeal.urgency == "urgent")
    return len(rows)


def deliver_pending(limit: int = 1000) -> int:
    """One batch of waiting events; returns the notifications made."""
    from appeals.models import AppealEvent

    ids = list(AppealEvent.objects.filter(notified_at__isnull=True).values_list("pk", flat=True)[:limit])
    return deliver(ids)


def drain() -> tuple[int, int]:
    """Every waiting event, then every waiting text message: (notifications, messages)."""
    from appeals.models import AppealEvent

    made = 0
    # A batch may make no notification (events nobody must act on), so drain until none waits.
    while AppealEvent.objects.filter(notified_at__isnull=True).exists():
        made += deliver_pending()
    sent = 0
    while True:
        batch = sms.send_pending()
        sent += batch
        if not batch:
            break
    return made, sent
