"""Every change to a request is one function here.

Each action: 1. checks the state against TRANSITIONS and the actor's role and
scope; 2. validates its fields; 3. writes the change with a conditional UPDATE
on `version` (0 rows means someone else acted first: nothing is written);
4. writes one immutable AppealEvent; 5. after commit, notifies whoever must act
next. Pages, the API, the admin and commands all call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.access import Scopes, dispatchable_units, scopes_of
from organisations.models import Role, Unit
from workcalendar.calendar import WorkCalendar

from . import deadlines
from .errors import Conflict, Forbidden, Invalid, NotFound, WrongState
from .models import BEFORE_REPLY, TERMINAL, Appeal, AppealEvent, Status, TimeLimit

R = Role.Name
S = Status
SYSTEM = None  # the actor of timer-driven actions


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str | None  # None: the action does not change the state
    roles: tuple[str, ...]


def _rule(sources, target, *roles) -> Rule:
    return Rule(frozenset(sources), target, roles)


OPEN = BEFORE_REPLY | {S.REPLIED, S.EVALUATED}

# The one table of allowed transitions; the UI and API read it through
# allowed_actions(), the server enforces it in _guard().
TRANSITIONS: dict[str, Rule] = {
    "register": _rule({S.SUBMITTED}, S.REGISTERED, R.DISPATCHER),
    "reject": _rule({S.SUBMITTED, S.REGISTERED}, S.REJECTED, R.DISPATCHER),
    "dispatch": _rule({S.REGISTERED, S.RETURNED, S.REOPENED}, S.DISPATCHED, R.DISPATCHER),
    "sign": _rule({S.DISPATCHED, S.REOPENED}, S.SIGNED, R.HANDLER),
    "return": _rule({S.DISPATCHED, S.REOPENED, S.SIGNED}, S.RETURNED, R.HANDLER),
    "start": _rule({S.SIGNED}, S.IN_PROGRESS, R.HANDLER),
    "request-extension": _rule({S.SIGNED, S.IN_PROGRESS}, None, R.HANDLER),
    "approve-extension": _rule({S.SIGNED, S.IN_PROGRESS}, None, R.DISPATCHER),
    "reply": _rule({S.SIGNED, S.IN_PROGRESS}, S.REPLIED, R.HANDLER),
    "evaluate": _rule({S.REPLIED}, S.EVALUATED, R.RESIDENT, R.DISPATCHER, R.SUPERVISOR),
    "reopen": _rule({S.EVALUATED}, S.REOPENED, R.DISPATCHER, R.SUPERVISOR),
    "close": _rule({S.REPLIED, S.EVALUATED}, S.CLOSED, R.DISPATCHER),
    "merge": _rule(BEFORE_REPLY, S.MERGED, R.DISPATCHER),
    "withdraw": _rule(BEFORE_REPLY, S.WITHDRAWN, R.RESIDENT),
    "urge": _rule(BEFORE_REPLY, None, R.SUPERVISOR),
    "supervise": _rule(OPEN, None, R.SUPERVISOR),
    "note": _rule(set(S.values), None, R.GRID_WORKER, R.HANDLER, R.DISPATCHER, R.SUPERVISOR),
}

# The step whose deadline runs in each state (none in the others).
STEP_OF_STATE = {
    S.SUBMITTED: TimeLimit.Step.DISPATCH,
    S.REGISTERED: TimeLimit.Step.DISPATCH,
    S.RETURNED: TimeLimit.Step.DISPATCH,
    S.DISPATCHED: TimeLimit.Step.SIGN,
    S.REOPENED: TimeLimit.Step.SIGN,
    S.REPLIED: TimeLimit.Step.EVALUATE,
}


def holds_role(appeal: Appeal, scopes: Scopes, role: str, user) -> bool:
    """Whether `user` acts on `appeal` in `role`, within that role's scope."""
    if scopes.superuser:
        return role != R.RESIDENT
    if role not in scopes.names:
        return False
    if role == R.RESIDENT:
        return appeal.submitted_by_id is not None and appeal.submitted_by_id == user.pk
    if role == R.HANDLER:
        units = scopes.unit_ids()
        return appeal.unit_id in units
    if role == R.DISPATCHER:
        return scopes.path_covered(role, appeal.owner_path)
    if role == R.GRID_WORKER:
        return scopes.path_covered(role, appeal.node_path) or appeal.created_by_id == user.pk
    return scopes.path_covered(role, appeal.node_path)


def _acting_role(appeal: Appeal, user, action: str) -> str | None:
    if user is None:
        return None
    scopes = scopes_of(user)
    for role in TRANSITIONS[action].roles:
        if holds_role(appeal, scopes, role, user):
            return role
    return None


def _extra_check(appeal: Appeal, action: str) -> str | None:
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
    return None


def _guard(appeal: Appeal, user, action: str, *, via_tracking: bool = False) -> str | None:
    """Checks permission (Forbidden) then state (WrongState); returns the acting role or raises.

    via_tracking: the caller has proven the request's own resident by the
    tracking number and the phone's last digits; they act as the resident
    where the action is one a resident may take."""
    rule = TRANSITIONS[action]
    # No actor is never a free pass: timers write through _commit directly.
    if via_tracking and R.RESIDENT in rule.roles:
        role: str | None = R.RESIDENT
    else:
        role = _acting_role(appeal, user, action)
    if role is None:
        raise Forbidden(_("You may not do this to this request."))
    if appeal.status not in rule.sources:
        raise WrongState(
            _("This cannot be done while the request is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        )
    problem = _extra_check(appeal, action)
    if problem:
        raise WrongState(problem)
    return role


def allowed_actions(appeal: Appeal, user) -> list[str]:
    allowed = []
    for action in TRANSITIONS:
        try:
            _guard(appeal, user, action)
        except (Forbidden, WrongState):
            continue
        allowed.append(action)
    return allowed


HANDLER_ACTIONS = {"sign", "return", "start", "request-extension", "reply"}


def _actor_unit(appeal: Appeal, action: str, role: str | None) -> Unit | None:
    """The unit a handler acted for, shown on the public timeline instead of a name."""
    if action in HANDLER_ACTIONS or role == R.HANDLER:
        return appeal.unit
    return None


def _commit(
    appeal: Appeal, user, action: str, *, role: str | None, changes: dict | None = None,
    note: str = "", data: dict | None = None, public: bool = True, now: datetime | None = None,
    to_status: str | None = None,
) -> AppealEvent:
    """Writes the change if nobody acted since `appeal` was read, plus its event."""
    now = now or timezone.now()
    rule = TRANSITIONS.get(action)
    target = to_status or (rule.target if rule else None)
    changes = dict(changes or {})
    if target and target != appeal.status:
        changes["status"] = target
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
        appeal=appeal, action=action, from_status=from_status, to_status=appeal.status,
        actor=user, actor_unit=_actor_unit(appeal, action, role), at=now, note=note,
        data=data or {}, public=public,
    )


def record_event(*, deliver: bool = True, **fields) -> AppealEvent:
    """Writes one timeline event. An event that may tell someone goes through
    the outbox: delivered after commit, or (deliver=False) left for the next
    page or run_timers; any other is born delivered and costs no outbox round."""
    from notifications.outbox import deliver_after_commit, may_tell

    tells = may_tell(fields["action"])
    event = AppealEvent.objects.create(**fields, notified_at=None if tells else fields["at"])
    if tells and deliver:
        deliver_after_commit(event)
    return event


def _step_changes(appeal: Appeal, step: str | None, now: datetime, calendar: WorkCalendar | None = None) -> dict:
    if step is None:
        return {"step_started": None, "step_warn_at": None, "step_due": None}
    d = deadlines.step_deadline(step, appeal, now, calendar)
    return {
        "step_started": d.started, "step_warn_at": d.warn_at, "step_due": d.due,
        "deadline_estimated": appeal.deadline_estimated or d.estimated,
    }


def _text(value, field: str, label: str, *, required: bool = True, max_length: int = 2000) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise Invalid(_("%(label)s must be text.") % {"label": label}, field=field)
    if required and not value:
        raise Invalid(_("Please give %(label)s.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise Invalid(
            _("%(label)s may have at most %(n)d characters.") % {"label": label, "n": max_length}, field=field
        )
    return value


def _act(appeal: Appeal, user, action: str, *, via_tracking: bool = False):
    """Re-reads the row inside the transaction and guards the action."""
    fresh = Appeal.objects.select_related("category", "unit", "owner_node", "node").get(pk=appeal.pk)
    role = _guard(fresh, user, action, via_tracking=via_tracking)
    return fresh, role


# --- Intake ---------------------------------------------------------------

from .intake import create_appeal, quick_resolve  # noqa: E402,F401  (re-exported)

# --- Dispatcher actions -----------------------------------------------------

@transaction.atomic
def register(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    appeal, role = _act(appeal, actor, "register")
    now = timezone.now()
    _commit(appeal, actor, "register", role=role, note=_text(note, "note", _("a note"), required=False),
            changes=_step_changes(appeal, TimeLimit.Step.DISPATCH, now), now=now)
    return appeal


@transaction.atomic
def reject(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = _act(appeal, actor, "reject")
    reason = _text(reason, "reason", _("the reason"), max_length=500)
    _commit(appeal, actor, "reject", role=role, note=reason,
            changes={"reject_reason": reason, "closed_at": timezone.now(), **_step_changes(appeal, None, None)})
    return appeal


@transaction.atomic
def dispatch(appeal: Appeal, *, actor, unit, co_units=(), note: str = "") -> Appeal:
    appeal, role = _act(appeal, actor, "dispatch")
    allowed = dispatchable_units(actor)
    unit_obj = _unit_from(unit, allowed, "unit")
    co = [_unit_from(u, allowed, "co_units") for u in (co_units or [])]
    co = [u for u in co if u.pk != unit_obj.pk]
    now = timezone.now()
    calendar = WorkCalendar.load()
    changes = _step_changes(appeal, TimeLimit.Step.SIGN, now, calendar)
    handle = deadlines.step_deadline(TimeLimit.Step.HANDLE, appeal, now, calendar)
    changes.update(unit=unit_obj, handle_due=handle.due,
                   deadline_estimated=changes["deadline_estimated"] or handle.estimated)
    _commit(appeal, actor, "dispatch", role=role, changes=changes,
            note=_text(note, "note", _("a note"), required=False),
            data={"unit": unit_obj.pk, "unit_name": unit_obj.name,
                  "co_units": [u.pk for u in co], "handle_due": handle.due.isoformat()}, now=now)
    appeal.co_units.set(co)
    return appeal


def _unit_from(value, allowed, field: str) -> Unit:
    if isinstance(value, Unit):
        unit_id = value.pk
    else:
        try:
            unit_id = int(value)
        except (TypeError, ValueError):
            raise Invalid(_("Choose a handling unit."), field=field) from None
    unit = allowed.filter(pk=unit_id).first()
    if unit is None:
        raise Invalid(_("That handling unit cannot be chosen here."), field=field)
    return unit


@transaction.atomic
def approve_extension(appeal: Appeal, *, actor, approve: bool, note: str = "") -> Appeal:
    appeal, role = _act(appeal, actor, "approve-extension")
    if not isinstance(approve, bool):
        raise Invalid(_("Say whether the extension is approved."), field="approve")
    days = appeal.pending_extension_days
    changes = {"pending_extension_days": None, "pending_extension_reason": ""}
    data = {"approve": approve, "days": days}
    if approve:
        now = timezone.now()
        base = appeal.handle_due or now
        new_due = deadlines.extend(WorkCalendar.load(), base, days)
        changes.update(handle_due=new_due.at, extension_count=appeal.extension_count + 1,
                       deadline_estimated=appeal.deadline_estimated or new_due.estimated)
        if appeal.status in (S.SIGNED, S.IN_PROGRESS):
            # The warning moves with the deadline, or the request would show
            # "due soon" for days that were just granted.
            changes["step_due"] = new_due.at
            changes["step_warn_at"] = _warn_between(appeal, appeal.step_started or now, new_due.at)
        data["handle_due"] = new_due.at.isoformat()
    _commit(appeal, actor, "approve-extension", role=role, changes=changes, data=data, public=False,
            note=_text(note, "note", _("a note"), required=False, max_length=500))
    return appeal


@transaction.atomic
def reopen(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = _act(appeal, actor, "reopen")
    reason = _text(reason, "reason", _("the reason"), max_length=500)
    now = timezone.now()
    count = appeal.reopen_count + 1
    calendar = WorkCalendar.load()
    changes = {"reopen_count": count, "rating": "", "rating_comment": "", "evaluated_at": None,
               "reply_result": "", "replied_at": None, **_step_changes(appeal, TimeLimit.Step.SIGN, now, calendar)}
    # The redo gets a new handling period: signing for it starts the clock
    # from handle_due, which otherwise still holds the first round's deadline.
    handle = deadlines.step_deadline(TimeLimit.Step.HANDLE, appeal, now, calendar)
    changes.update(handle_due=handle.due, deadline_estimated=changes["deadline_estimated"] or handle.estimated)
    escalate_to = None
    if count >= deadlines.ESCALATE_AFTER_REOPENS and not appeal.escalated and appeal.owner_node.parent_id:
        escalate_to = appeal.owner_node.parent
        changes.update(escalated=True, supervised=True, owner_node=escalate_to, owner_path=escalate_to.path)
    _commit(appeal, actor, "reopen", role=role, changes=changes, note=reason,
            data={"reopen_count": count}, now=now)
    if escalate_to is not None:
        record_event(
            appeal=appeal, action="escalate", from_status=appeal.status, to_status=appeal.status,
            actor=None, at=now, public=False,
            note=_("Reopened %(n)d times: escalated to %(node)s.") % {"n": count, "node": escalate_to.name},
            data={"owner_node": escalate_to.code},
        )
    return appeal


@transaction.atomic
def close(appeal: Appeal, *, actor, note: str = "", now: datetime | None = None) -> Appeal:
    appeal, role = _act(appeal, actor, "close")
    now = now or timezone.now()
    _commit(appeal, actor, "close", role=role, now=now,
            note=_text(note, "note", _("a note"), required=False, max_length=500),
            changes={"closed_at": now, **_step_changes(appeal, None, now)},
            data={"evaluated": bool(appeal.rating)})
    return appeal


@transaction.atomic
def merge(appeal: Appeal, *, actor, into) -> Appeal:
    appeal, role = _act(appeal, actor, "merge")
    try:
        target_id = int(into.pk if isinstance(into, Appeal) else into)
    except (TypeError, ValueError):
        raise Invalid(_("Give the request to merge into."), field="into") from None
    from .access import visible_appeals

    target = visible_appeals(actor).filter(pk=target_id).first()
    if target is None or target.pk == appeal.pk:
        raise Invalid(_("That request cannot be merged into: choose another open request you can see."),
                      field="into")
    if target.status in TERMINAL:
        raise Invalid(_("The request to merge into is already finished."), field="into")
    _commit(appeal, actor, "merge", role=role, changes={"merged_into": target, "closed_at": timezone.now(),
            **_step_changes(appeal, None, None)}, data={"into": target.pk, "into_tracking_no": target.tracking_no})
    return appeal


# --- Handler actions ----------------------------------------------------------

@transaction.atomic
def sign_for(appeal: Appeal, *, actor) -> Appeal:
    appeal, role = _act(appeal, actor, "sign")
    now = timezone.now()
    changes = {"step_started": now, "step_due": appeal.handle_due,
               "step_warn_at": _warn_between(appeal, now, appeal.handle_due)}
    _commit(appeal, actor, "sign", role=role, changes=changes, now=now)
    return appeal


def _warn_between(appeal: Appeal, start: datetime, due: datetime | None) -> datetime | None:
    """When the reply deadline turns "due soon", on the handling limit's clock."""
    if due is None:
        return None
    _amount, clock = deadlines.limit_for(TimeLimit.Step.HANDLE, appeal)
    return deadlines.warn_time(WorkCalendar.load(), start, due, clock)


@transaction.atomic
def return_to_dispatcher(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = _act(appeal, actor, "return")
    reason = _text(reason, "reason", _("the reason"), max_length=500)
    now = timezone.now()
    _commit(appeal, actor, "return", role=role, note=reason, now=now,
            changes={"handle_due": None, "pending_extension_days": None, "pending_extension_reason": "",
                     **_step_changes(appeal, TimeLimit.Step.DISPATCH, now)},
            data={"unit": appeal.unit_id})
    return appeal


@transaction.atomic
def start(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    appeal, role = _act(appeal, actor, "start")
    _commit(appeal, actor, "start", role=role, note=_text(note, "note", _("a note"), required=False))
    return appeal


@transaction.atomic
def request_extension(appeal: Appeal, *, actor, days, reason: str) -> Appeal:
    appeal, role = _act(appeal, actor, "request-extension")
    days = _whole_number(days)
    if not 1 <= days <= deadlines.MAX_EXTENSION_DAYS:
        raise Invalid(_("An extension is 1 to %(n)d working days.") % {"n": deadlines.MAX_EXTENSION_DAYS},
                      field="days")
    reason = _text(reason, "reason", _("the reason"), max_length=500)
    _commit(appeal, actor, "request-extension", role=role, note=reason, public=False,
            changes={"pending_extension_days": days, "pending_extension_reason": reason}, data={"days": days})
    return appeal


def _whole_number(value) -> int:
    """An integer from a form or JSON value; 0 for anything else (2.5, True, "x")."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, float):
        return int(value) if value.is_integer() else 0
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


@transaction.atomic
def reply(appeal: Appeal, *, actor, result: str, content: str) -> Appeal:
    appeal, role = _act(appeal, actor, "reply")
    if result not in Appeal.Result.values:
        raise Invalid(_("Choose the result: resolved, explained or cannot be solved."), field="result")
    content = _text(content, "content", _("the reply"))
    now = timezone.now()
    changes = {"reply_result": result, "reply_content": content, "replied_at": now,
               "pending_extension_days": None, "pending_extension_reason": "",
               **_step_changes(appeal, TimeLimit.Step.EVALUATE, now)}
    _commit(appeal, actor, "reply", role=role, changes=changes, note=content, now=now,
            data={"result": result, "on_time": bool(appeal.handle_due is None or now <= appeal.handle_due)})
    return appeal


# --- Resident and call-back ---------------------------------------------------

@transaction.atomic
def evaluate(appeal: Appeal, *, actor, rating: str, comment: str = "", via_tracking: bool = False) -> Appeal:
    """Records the resident's rating; a satisfied one closes the request."""
    if via_tracking:
        appeal = Appeal.objects.select_related("category", "unit", "owner_node", "node").get(pk=appeal.pk)
        if appeal.status not in TRANSITIONS["evaluate"].sources:
            raise WrongState(_("This request is not waiting for your evaluation."))
        role = R.RESIDENT
    else:
        appeal, role = _act(appeal, actor, "evaluate")
    if rating not in Appeal.Rating.values:
        raise Invalid(_("Choose satisfied, basically satisfied or dissatisfied."), field="rating")
    comment = _text(comment, "comment", _("the comment"), required=False, max_length=500)
    now = timezone.now()
    callback = role != R.RESIDENT
    _commit(appeal, actor if not via_tracking else None, "evaluate", role=role, now=now, note=comment,
            changes={"rating": rating, "rating_comment": comment, "evaluated_at": now,
                     **_step_changes(appeal, None, now)},
            data={"rating": rating, "callback": callback})
    if rating != Appeal.Rating.DISSATISFIED:
        _commit(appeal, None, "close", role=None, to_status=S.CLOSED, now=now,
                changes={"closed_at": now}, data={"evaluated": True, "auto": True})
    return appeal


TRACKING_REASON_LENGTH = 200  # an unsigned resident's reason, kept short


@transaction.atomic
def withdraw(appeal: Appeal, *, actor, reason: str = "", via_tracking: bool = False) -> Appeal:
    """The resident takes the request back before the reply.

    via_tracking: a resident without an account, whom the caller has proven by
    the tracking number and the phone's last digits; the event has no actor."""
    appeal, role = _act(appeal, actor, "withdraw", via_tracking=via_tracking)
    limit = TRACKING_REASON_LENGTH if via_tracking else 500
    _commit(appeal, None if via_tracking else actor, "withdraw", role=role,
            note=_text(reason, "reason", _("the reason"), required=False, max_length=limit),
            changes={"closed_at": timezone.now(), **_step_changes(appeal, None, None)})
    return appeal


# --- Supervision and notes ------------------------------------------------------

@transaction.atomic
def urge(appeal: Appeal, *, actor, content: str) -> Appeal:
    appeal, role = _act(appeal, actor, "urge")
    content = _text(content, "content", _("the message"), max_length=500)
    _add_event(appeal, actor, "urge", content, public=False)
    return appeal


@transaction.atomic
def supervise(appeal: Appeal, *, actor, content: str) -> Appeal:
    appeal, role = _act(appeal, actor, "supervise")
    content = _text(content, "content", _("the supervision notice"), max_length=1000)
    now = timezone.now()
    due = deadlines.step_deadline(TimeLimit.Step.SUPERVISE, appeal, now)
    _commit(appeal, actor, "supervise", role=role, note=content, public=False, now=now,
            changes={"supervised": True, "supervise_due": due.due}, data={"due": due.due.isoformat()})
    return appeal


@transaction.atomic
def add_note(appeal: Appeal, *, actor, content: str) -> Appeal:
    appeal, role = _act(appeal, actor, "note")
    content = _text(content, "content", _("the note"))
    _add_event(appeal, actor, "note", content, public=False, role=role)
    return appeal


def _add_event(appeal: Appeal, actor, action: str, note: str, *, public: bool, role: str | None = None):
    """Additive actions (urge, note) do not race: they only append an event."""
    return record_event(
        appeal=appeal, action=action, from_status=appeal.status, to_status=appeal.status, actor=actor,
        actor_unit=_actor_unit(appeal, action, role), note=note, public=public, at=timezone.now(),
    )


# --- Timers ---------------------------------------------------------------------

def close_expired_evaluations(now: datetime | None = None) -> int:
    """Closes replied requests whose evaluation window has ended (not evaluated:
    never counted as satisfied)."""
    now = now or timezone.now()
    closed = 0
    for appeal in Appeal.objects.filter(status=S.REPLIED, step_due__lt=now).select_related(
        "category", "unit", "owner_node", "node"
    ):
        try:
            with transaction.atomic():
                _commit(appeal, SYSTEM, "close", role=None, now=now, to_status=S.CLOSED,
                        changes={"closed_at": now, **_step_changes(appeal, None, now)},
                        data={"evaluated": False, "auto": True})
            closed += 1
        except Conflict:
            continue
    return closed


ACTIONS = {
    "register": register,
    "reject": reject,
    "dispatch": dispatch,
    "sign": sign_for,
    "return": return_to_dispatcher,
    "start": start,
    "request-extension": request_extension,
    "approve-extension": approve_extension,
    "reply": reply,
    "evaluate": evaluate,
    "reopen": reopen,
    "close": close,
    "merge": merge,
    "withdraw": withdraw,
    "urge": urge,
    "supervise": supervise,
    "note": add_note,
}


def get_or_404(pk) -> Appeal:
    try:
        return Appeal.objects.get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such request.")) from None

