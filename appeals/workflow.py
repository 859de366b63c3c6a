"""The one table of a request's transitions, and the one helper that writes them.

Every change to a request, by a person or by the platform itself (staff
registration at intake, 即接即办, the close after a satisfied rating, the
timer's close, escalation, recalculated deadlines), is a named rule in
TRANSITIONS. `commit` refuses a move that its rule does not allow, writes the
change with a conditional UPDATE on `version` (0 rows: someone else acted
first, nothing is written) and appends one immutable AppealEvent. The action
functions in `appeals.services` and `appeals.intake` check who acts
(`guard`), validate their fields, then call `commit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Role, Unit
from workcalendar.calendar import WorkCalendar

from . import access, deadlines
from .errors import Conflict, Forbidden, Invalid, WrongState
from .models import BEFORE_REPLY, Appeal, AppealEvent, Status
from .signals import events_written

R = Role.Name
S = Status


class _System:
    """The actor of what the platform does by itself (timers, automatic closes).
    Not None: an action called without an actor is refused, never a free pass."""

    pk = None
    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str | None  # None: the rule does not change the state
    roles: tuple[str, ...]  # who may take it (empty: internal, see below)
    event: str  # the action the timeline records
    # An internal rule is taken only by the service function that owns it (intake,
    # 即接即办, the automatic closes, the timers), which checks who may; it is never
    # offered as an action to anyone.
    internal: bool = False


def _rule(name, sources, target, *roles, event=None) -> tuple[str, Rule]:
    return name, Rule(frozenset(sources), target, roles, event or name, internal=not roles)


OPEN = BEFORE_REPLY | {S.REPLIED, S.EVALUATED}
ALL = frozenset(S.values)
# While the lead unit holds the request, co-units (协办) sign for and reply to their part.
CO_STAGE = {S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REOPENED}

# The one table. The UI and the API read it through allowed_actions(); every
# write passes through commit(), which checks it again.
TRANSITIONS: dict[str, Rule] = dict([
    _rule("register", {S.SUBMITTED}, S.REGISTERED, R.DISPATCHER),
    _rule("register-on-behalf", {S.SUBMITTED}, S.REGISTERED, event="register"),
    _rule("reject", {S.SUBMITTED, S.REGISTERED}, S.REJECTED, R.DISPATCHER),
    _rule("dispatch", {S.REGISTERED, S.RETURNED, S.REOPENED}, S.DISPATCHED, R.DISPATCHER),
    _rule("dispatch-on-the-spot", {S.REGISTERED}, S.DISPATCHED, event="dispatch"),
    _rule("sign", {S.DISPATCHED, S.REOPENED}, S.SIGNED, R.HANDLER),
    _rule("sign-on-the-spot", {S.DISPATCHED}, S.SIGNED, event="sign"),
    _rule("return", {S.DISPATCHED, S.REOPENED, S.SIGNED}, S.RETURNED, R.HANDLER),
    _rule("start", {S.SIGNED}, S.IN_PROGRESS, R.HANDLER),
    _rule("request-extension", {S.SIGNED, S.IN_PROGRESS}, None, R.HANDLER),
    _rule("approve-extension", {S.SIGNED, S.IN_PROGRESS}, None, R.DISPATCHER),
    _rule("co-sign", CO_STAGE, None, access.CO_HANDLER),
    _rule("co-reply", CO_STAGE, None, access.CO_HANDLER),
    _rule("reply", {S.SIGNED, S.IN_PROGRESS}, S.REPLIED, R.HANDLER),
    _rule("reply-on-the-spot", {S.SIGNED}, S.REPLIED, event="reply"),
    _rule("evaluate", {S.REPLIED}, S.EVALUATED, R.RESIDENT),
    _rule("callback", {S.REPLIED}, S.EVALUATED, R.DISPATCHER, R.SUPERVISOR, event="evaluate"),
    _rule("callback-unreached", {S.REPLIED}, None, R.DISPATCHER, R.SUPERVISOR, event="callback"),
    _rule("close-satisfied", {S.EVALUATED}, S.CLOSED, event="close"),
    _rule("close-expired", {S.REPLIED}, S.CLOSED, event="close"),
    _rule("close", {S.REPLIED, S.EVALUATED}, S.CLOSED, R.DISPATCHER),
    _rule("reopen", {S.EVALUATED}, S.REOPENED, R.DISPATCHER, R.SUPERVISOR),
    _rule("escalate", {S.REOPENED}, None),
    _rule("merge", BEFORE_REPLY, S.MERGED, R.DISPATCHER),
    _rule("withdraw", BEFORE_REPLY, S.WITHDRAWN, R.RESIDENT),
    _rule("urge", BEFORE_REPLY, None, R.SUPERVISOR),
    # The timers (appeals.timers): a reminder at 75% of a step's time, an urge the working day after it went overdue.
    _rule("remind", BEFORE_REPLY, None),
    _rule("urge-overdue", BEFORE_REPLY, None, event="urge"),
    _rule("supervise", OPEN, None, R.SUPERVISOR),
    # The resident adds to their request through an app that proves them (Open311: the client that filed it).
    _rule("comment", OPEN, None),
    _rule("note", ALL, None, R.GRID_WORKER, R.HANDLER, access.CO_HANDLER, R.DISPATCHER, R.SUPERVISOR),
    _rule("recalculate", ALL, None),
    # The tree moved under the request (appeals.paths, written in bulk in the move's transaction).
    _rule("reassign", ALL, None),
])

# The actions people take (what allowed_actions() may offer); "callback" stands
# for both call-back rules, reached or not.
PEOPLE_ACTIONS = [name for name, rule in TRANSITIONS.items() if not rule.internal and name != "callback-unreached"]

HANDLER_EVENTS = {"sign", "return", "start", "request-extension", "reply"}


# --- Who may act ---------------------------------------------------------------

def acting_role(appeal: Appeal, user, action: str, *, token: str | None = None) -> str | None:
    """The role in which `user` may take `action` on `appeal`, or None.

    token: the private token of the request's resident (appeals.residents); it
    makes a caller without an account the resident, for a resident's action."""
    rule = TRANSITIONS[action]
    if token is not None:
        from .residents import token_matches

        return R.RESIDENT if R.RESIDENT in rule.roles and token_matches(appeal, token) else None
    if user is None or user is SYSTEM:
        return None
    scopes = access.scopes_of(user)
    for role in rule.roles:
        if access.holds_role(appeal, scopes, role, user):
            return role
    return None


def _extra_check(appeal: Appeal, action: str, user) -> str | None:
    """State conditions beyond the status; returns the refusal, if any."""
    if action == "approve-extension" and appeal.pending_extension_days is None:
        return _("There is no extension request waiting for a decision.")
    if action == "request-extension":
        if appeal.pending_extension_days is not None:
            return _("An extension request is already waiting for a decision.")
        if appeal.extension_count >= deadlines.MAX_EXTENSIONS:
            return _("This request has used all %(n)d extensions.") % {"n": deadlines.MAX_EXTENSIONS}
    if action == "reopen" and appeal.rating != Appeal.Rating.DISSATISFIED:
        return _("Only a request rated dissatisfied can be reopened.")
    if action == "supervise" and appeal.supervised:
        return _("This request is already under supervision.")
    if action == "close" and appeal.status == S.REPLIED and appeal.callback_at is None:
        return _("The resident has not been asked yet: call them back first, or wait until the evaluation "
                 "window ends and the request closes by itself.")
    if action == "urge":
        return access.urge_refusal(appeal)
    if action in ("co-sign", "co-reply"):
        part = access.co_part_of(appeal, user)
        if part is None:
            return _("Your unit has no part in this request.")
        if action == "co-sign" and part.signed_at:
            return _("Your unit has already signed for its part.")
        if action == "co-reply" and part.replied_at:
            return _("Your unit has already replied to its part.")
    return None


def guard(appeal: Appeal, user, action: str, *, token: str | None = None) -> str:
    """Checks permission (Forbidden), then state (WrongState); returns the acting role."""
    rule = TRANSITIONS[action]
    role = None if rule.internal else acting_role(appeal, user, action, token=token)
    if role is None:
        raise Forbidden(_("You may not do this to this request."))
    if action in ("callback", "callback-unreached") and access.works_on(appeal, user):
        raise Forbidden(_("The handling unit's own staff cannot record the evaluation of its reply."))
    if appeal.status not in rule.sources:
        raise WrongState(
            _("This cannot be done while the request is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        )
    problem = _extra_check(appeal, action, user)
    if problem:
        raise WrongState(problem)
    return role


def allowed_actions(appeal: Appeal, user, *, token: str | None = None) -> list[str]:
    allowed = []
    for action in PEOPLE_ACTIONS:
        try:
            guard(appeal, user, action, token=token)
        except (Forbidden, WrongState):
            continue
        allowed.append(action)
    return allowed


def load(appeal: Appeal, user, action: str, *, token: str | None = None) -> tuple[Appeal, str]:
    """Re-reads the row inside the caller's transaction and guards the action."""
    fresh = Appeal.objects.select_related("category", "unit", "owner_node", "node").get(pk=appeal.pk)
    return fresh, guard(fresh, user, action, token=token)


# --- Writing -------------------------------------------------------------------

def _actor_unit(appeal: Appeal, rule: Rule, role: str | None, user) -> Unit | None:
    """The unit a handler acted for, shown on the public timeline instead of a name."""
    if role == access.CO_HANDLER:
        part = access.co_part_of(appeal, user)
        return part.unit if part else None
    if rule.event in HANDLER_EVENTS or role == R.HANDLER:
        return appeal.unit
    return None


def commit(
    appeal: Appeal, actor, action: str, *, role: str | None = None, changes: dict | None = None,
    note: str = "", data: dict | None = None, public: bool = True, now: datetime | None = None,
) -> AppealEvent:
    """Writes rule `action` if nobody acted since `appeal` was read, plus its event.

    1. refuses (a programming error, not a user's) a move the rule does not allow;
    2. updates the row where `version` is still the one read, bumping it;
    3. records the event under the rule's timeline action."""
    rule = TRANSITIONS[action]
    if appeal.status not in rule.sources:
        raise RuntimeError(f"no rule allows {action!r} from {appeal.status!r}")
    now = now or timezone.now()
    changes = dict(changes or {})
    if "status" in changes:
        raise RuntimeError("the status changes only as a rule's target")
    if rule.target and rule.target != appeal.status:
        changes["status"] = rule.target
    updated = Appeal.objects.filter(pk=appeal.pk, version=appeal.version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise Conflict(_("Someone else has just acted on this request. Reload it and try again."))
    from_status = appeal.status
    for name, value in changes.items():
        setattr(appeal, name, value)
    appeal.version += 1
    return record_event(
        appeal=appeal, action=rule.event, from_status=from_status, to_status=appeal.status,
        actor=None if actor is SYSTEM else actor, actor_unit=_actor_unit(appeal, rule, role, actor), at=now,
        note=note, data=data or {}, public=public,
    )


def record_event(**fields) -> AppealEvent:
    """Writes one timeline event (see record_events)."""
    return record_events([AppealEvent(**fields)])[0]


def record_events(events: list[AppealEvent]) -> list[AppealEvent]:
    """The one place where timeline events are written. An event that may tell
    someone waits in the outbox for the worker (notifications.outbox); any
    other is born delivered. The receivers of `signals.events_written` (the
    figures) follow in the same transaction."""
    from notifications.outbox import may_tell

    for event in events:
        if event.notified_at is None and not may_tell(event.action):
            event.notified_at = event.at
    with transaction.atomic(savepoint=False):  # all or nothing, with no savepoint inside the action's own
        if len(events) == 1:
            events[0].save()
        else:
            AppealEvent.objects.bulk_create(events)
        events_written.send(sender=AppealEvent, events=events)
    return events


def step_changes(appeal: Appeal, step: str | None, now: datetime | None,
                 calendar: WorkCalendar | None = None) -> dict:
    """The stored deadline fields of the step that starts now (none: no step runs)."""
    if step is None:
        return {"step_started": None, "step_warn_at": None, "step_due": None}
    d = deadlines.step_deadline(step, appeal, now, calendar)
    return {
        "step_started": d.started, "step_warn_at": d.warn_at, "step_due": d.due,
        "deadline_estimated": appeal.deadline_estimated or d.estimated,
    }


def text(value, field: str, label: str, *, required: bool = True, max_length: int = 2000) -> str:
    """A text field's clean value: stripped, present when required, refused
    (never cut) when longer than `max_length`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("%(label)s must be text.") % {"label": label}, field=field)
    value = value.strip()
    if required and not value:
        raise Invalid(_("Please give %(label)s.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise Invalid(
            _("%(label)s may have at most %(n)d characters (this has %(len)d).")
            % {"label": label, "n": max_length, "len": len(value)}, field=field,
        )
    return value
