"""Every change to a request is one function here (intake is in `appeals.intake`).

Each action: 1. re-reads the row and checks the state against the transition
table and the actor's role and scope (`workflow.load`); 2. validates its
fields; 3. writes the change and one immutable AppealEvent through
`workflow.commit`, which refuses a move no rule allows and loses to whoever
acted first (version guard). Notifications follow from the event (the outbox
worker). Pages, the API, the admin and commands all call these functions.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.access import dispatchable_units
from organisations.models import Role, Unit
from workcalendar.calendar import WorkCalendar

from . import access, deadlines
from .errors import Conflict, Invalid, NotFound, WrongState
from .intake import create_appeal, quick_resolve  # noqa: F401  (the intake actions, with the others)
from .models import TERMINAL, Appeal, AppealPhoto, CoUnit, EvaluationChannel, Status, TimeLimit
from .photos import clean_photos
from .workflow import (  # noqa: F401  (TRANSITIONS and allowed_actions: the table as callers read it)
    SYSTEM,
    TRANSITIONS,
    allowed_actions,
    commit,
    guard,
    load,
    step_changes,
    text,
)

R = Role.Name
S = Status
REASON = 500  # the longest reason, note or comment a person types into an action


# --- Dispatcher actions -----------------------------------------------------

@transaction.atomic
def register(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    appeal, role = load(appeal, actor, "register")
    now = timezone.now()
    commit(appeal, actor, "register", role=role, note=text(note, "note", _("a note"), required=False),
           changes=step_changes(appeal, TimeLimit.Step.DISPATCH, now), now=now)
    return appeal


@transaction.atomic
def reject(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = load(appeal, actor, "reject")
    reason = text(reason, "reason", _("the reason"), max_length=REASON)
    commit(appeal, actor, "reject", role=role, note=reason,
           changes={"reject_reason": reason, "closed_at": timezone.now(), **step_changes(appeal, None, None)})
    return appeal


@transaction.atomic
def dispatch(appeal: Appeal, *, actor, unit, co_units=(), note: str = "") -> Appeal:
    appeal, role = load(appeal, actor, "dispatch")
    allowed = dispatchable_units(actor)
    unit_obj = _unit_from(unit, allowed, "unit")
    co = [_unit_from(u, allowed, "co_units") for u in (co_units or [])]
    co = list({u.pk: u for u in co if u.pk != unit_obj.pk}.values())
    now = timezone.now()
    calendar = WorkCalendar.load()
    changes = step_changes(appeal, TimeLimit.Step.SIGN, now, calendar)
    handle = deadlines.step_deadline(TimeLimit.Step.HANDLE, appeal, now, calendar)
    changes.update(unit=unit_obj, handle_due=handle.due,
                   deadline_estimated=changes["deadline_estimated"] or handle.estimated)
    commit(appeal, actor, "dispatch", role=role, changes=changes,
           note=text(note, "note", _("a note"), required=False),
           data={"unit": unit_obj.pk, "unit_name": unit_obj.name, "co_units": [u.pk for u in co],
                 "co_unit_names": [u.name for u in co], "handle_due": handle.due.isoformat()}, now=now)
    # A new dispatch is a new round: the co-units of the last one have no part in it.
    CoUnit.objects.filter(appeal=appeal).delete()
    CoUnit.objects.bulk_create([CoUnit(appeal=appeal, unit=u) for u in co])
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
    if unit is None:  # no such unit, or not one this dispatcher may send work to
        raise NotFound(_("That handling unit cannot be chosen here."), field=field)
    return unit


@transaction.atomic
def approve_extension(appeal: Appeal, *, actor, approve: bool, note: str = "") -> Appeal:
    appeal, role = load(appeal, actor, "approve-extension")
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
    commit(appeal, actor, "approve-extension", role=role, changes=changes, data=data, public=False,
           note=text(note, "note", _("a note"), required=False, max_length=REASON))
    return appeal


@transaction.atomic
def reopen(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = load(appeal, actor, "reopen")
    reason = text(reason, "reason", _("the reason"), max_length=REASON)
    now = timezone.now()
    count = appeal.reopen_count + 1
    calendar = WorkCalendar.load()
    changes = {"reopen_count": count, "rating": "", "rating_comment": "", "evaluated_at": None,
               "evaluated_via": "", "callback_at": None, "reply_result": "", "replied_at": None,
               "reply_on_time": None, **step_changes(appeal, TimeLimit.Step.SIGN, now, calendar)}
    # The redo gets a new handling period: signing for it starts the clock
    # from handle_due, which otherwise still holds the first round's deadline.
    handle = deadlines.step_deadline(TimeLimit.Step.HANDLE, appeal, now, calendar)
    changes.update(handle_due=handle.due, deadline_estimated=changes["deadline_estimated"] or handle.estimated)
    co_units = list(CoUnit.objects.filter(appeal=appeal).values_list("unit_id", flat=True))
    commit(appeal, actor, "reopen", role=role, changes=changes, note=reason, now=now,
           data={"reopen_count": count, **({"co_units": co_units} if co_units else {})})
    # The co-units redo their part too (and are told so).
    CoUnit.objects.filter(appeal=appeal).update(signed_at=None, replied_at=None, content="")
    if count >= deadlines.ESCALATE_AFTER_REOPENS and not appeal.escalated and appeal.owner_node.parent_id:
        above = appeal.owner_node.parent
        commit(appeal, SYSTEM, "escalate", public=False, now=now,
               changes={"escalated": True, "supervised": True, "owner_node": above, "owner_path": above.path},
               note=_("Reopened %(n)d times: escalated to %(node)s.") % {"n": count, "node": above.name},
               data={"owner_node": above.code})
    return appeal


@transaction.atomic
def close(appeal: Appeal, *, actor, note: str = "", now: datetime | None = None) -> Appeal:
    """A dispatcher closes a request once the resident was asked: after a
    call-back, or when the resident was dissatisfied and it is not reopened."""
    appeal, role = load(appeal, actor, "close")
    now = now or timezone.now()
    commit(appeal, actor, "close", role=role, now=now,
           note=text(note, "note", _("a note"), required=False, max_length=REASON),
           changes={"closed_at": now, **step_changes(appeal, None, now)},
           data={"evaluated": bool(appeal.rating)})
    return appeal


@transaction.atomic
def merge(appeal: Appeal, *, actor, into) -> Appeal:
    appeal, role = load(appeal, actor, "merge")
    try:
        target_id = int(into.pk if isinstance(into, Appeal) else into)
    except (TypeError, ValueError):
        raise Invalid(_("Give the request to merge into."), field="into") from None
    target = access.visible_appeals(actor).filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("That request cannot be merged into: choose another open request you can see."),
                       field="into")
    if target.pk == appeal.pk:
        raise WrongState(_("A request cannot be merged into itself: choose the request it repeats."), field="into")
    if target.status in TERMINAL:
        raise WrongState(_("The request to merge into is already finished."), field="into")
    commit(appeal, actor, "merge", role=role, changes={"merged_into": target, "closed_at": timezone.now(),
           **step_changes(appeal, None, None)}, data={"into": target.pk, "into_tracking_no": target.tracking_no})
    return appeal


# --- Handler actions ----------------------------------------------------------

@transaction.atomic
def sign_for(appeal: Appeal, *, actor) -> Appeal:
    appeal, role = load(appeal, actor, "sign")
    now = timezone.now()
    changes = {"step_started": now, "step_due": appeal.handle_due,
               "step_warn_at": _warn_between(appeal, now, appeal.handle_due)}
    # The unit responds (响应: contacts the resident, starts, replies or returns) by respond_due.
    respond = deadlines.step_deadline(TimeLimit.Step.RESPOND, appeal, now)
    commit(appeal, actor, "sign", role=role, changes=changes, now=now,
           data={"on_time": appeal.step_due is None or now <= appeal.step_due,
                 "respond_due": respond.due.isoformat()})
    return appeal


def _warn_between(appeal: Appeal, start: datetime, due: datetime | None) -> datetime | None:
    """When the reply deadline turns "due soon", on the handling limit's clock."""
    if due is None:
        return None
    _amount, clock = deadlines.limit_for(TimeLimit.Step.HANDLE, appeal)
    return deadlines.warn_time(WorkCalendar.load(), start, due, clock)


@transaction.atomic
def return_to_dispatcher(appeal: Appeal, *, actor, reason: str) -> Appeal:
    appeal, role = load(appeal, actor, "return")
    reason = text(reason, "reason", _("the reason"), max_length=REASON)
    now = timezone.now()
    commit(appeal, actor, "return", role=role, note=reason, now=now,
           changes={"handle_due": None, "pending_extension_days": None, "pending_extension_reason": "",
                    **step_changes(appeal, TimeLimit.Step.DISPATCH, now)},
           data={"unit": appeal.unit_id})
    return appeal


@transaction.atomic
def start(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    appeal, role = load(appeal, actor, "start")
    commit(appeal, actor, "start", role=role, note=text(note, "note", _("a note"), required=False))
    return appeal


@transaction.atomic
def request_extension(appeal: Appeal, *, actor, days, reason: str) -> Appeal:
    appeal, role = load(appeal, actor, "request-extension")
    days = _whole_number(days)
    if not 1 <= days <= deadlines.MAX_EXTENSION_DAYS:
        raise Invalid(deadlines.extension_limit_message(), field="days")
    reason = text(reason, "reason", _("the reason"), max_length=REASON)
    commit(appeal, actor, "request-extension", role=role, note=reason, public=False,
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


def _store_photos(appeal: Appeal, event, photos) -> None:
    for content, width, height, token in photos:
        AppealPhoto.objects.create(appeal=appeal, event=event, token=token, image=content, width=width,
                                   height=height)


def reply(appeal: Appeal, *, actor, result: str, content: str, co_note: str = "", photos=()) -> Appeal:
    """The lead unit's reply is the request's reply. It waits for the co-units'
    parts, or says why it goes without them (`co_note`). Photos of the result
    are checked before the transaction (it holds SQLite's write lock)."""
    if photos:
        guard(Appeal.objects.get(pk=appeal.pk), actor, "reply")  # refuse before reading any photo
    cleaned = clean_photos(photos)
    with transaction.atomic():
        return _reply(appeal, actor=actor, result=result, content=content, co_note=co_note, photos=cleaned)


def _reply(appeal: Appeal, *, actor, result: str, content: str, co_note: str, photos) -> Appeal:
    appeal, role = load(appeal, actor, "reply")
    if result not in Appeal.Result.values:
        raise Invalid(_("Choose the result: resolved, explained or cannot be solved."), field="result")
    content = text(content, "content", _("the reply"))
    co_note = text(co_note, "co_note", _("why the reply does not wait for the co-units"), required=False,
                   max_length=REASON)
    missing = [p for p in access.co_parts(appeal) if p.replied_at is None]
    if missing and not co_note:
        names = "、".join(p.unit.name for p in missing)
        raise WrongState(_("%(units)s have not replied to their part yet: wait for them, or say why the reply "
                           "goes without them.") % {"units": names}, field="co_note", code="co_units_waiting")
    now = timezone.now()
    on_time = appeal.handle_due is None or now <= appeal.handle_due
    changes = {"reply_result": result, "reply_content": content, "replied_at": now, "reply_on_time": on_time,
               "pending_extension_days": None, "pending_extension_reason": "",
               **step_changes(appeal, TimeLimit.Step.EVALUATE, now)}
    data = {"result": result, "on_time": on_time}
    if missing:
        data.update(without_co_units=[p.unit_id for p in missing], co_note=co_note)
    event = commit(appeal, actor, "reply", role=role, changes=changes, note=content, now=now, data=data)
    _store_photos(appeal, event, photos)
    return appeal


# --- Co-units (协办) -----------------------------------------------------------

@transaction.atomic
def co_sign(appeal: Appeal, *, actor) -> Appeal:
    appeal, role = load(appeal, actor, "co-sign")
    part = access.co_part_of(appeal, actor)
    now = timezone.now()
    commit(appeal, actor, "co-sign", role=role, now=now, public=False,
           data={"unit": part.unit_id, "unit_name": part.unit.name})
    CoUnit.objects.filter(pk=part.pk).update(signed_at=now)
    return appeal


@transaction.atomic
def co_reply(appeal: Appeal, *, actor, content: str) -> Appeal:
    """A co-unit's part, for the lead unit (and the dispatcher) to read."""
    appeal, role = load(appeal, actor, "co-reply")
    part = access.co_part_of(appeal, actor)
    content = text(content, "content", _("your unit's part"))
    now = timezone.now()
    commit(appeal, actor, "co-reply", role=role, now=now, public=False, note=content,
           data={"unit": part.unit_id, "unit_name": part.unit.name})
    CoUnit.objects.filter(pk=part.pk).update(signed_at=part.signed_at or now, replied_at=now, content=content)
    return appeal


# --- The resident's evaluation, and the call-back --------------------------------

def _evaluation_fields(rating: str, comment: str) -> tuple[str, str]:
    if rating not in Appeal.Rating.values:
        raise Invalid(_("Choose satisfied, basically satisfied or dissatisfied."), field="rating")
    return rating, text(comment, "comment", _("the comment"), required=False, max_length=REASON)


def _record_evaluation(appeal: Appeal, actor, rule: str, role: str, *, rating: str, comment: str,
                       channel: str, proof: str) -> None:
    now = timezone.now()
    commit(appeal, actor, rule, role=role, now=now, note=comment,
           changes={"rating": rating, "rating_comment": comment, "evaluated_at": now, "evaluated_via": channel,
                    **({"callback_at": now} if channel == EvaluationChannel.CALLBACK else {}),
                    **step_changes(appeal, None, now)},
           data={"rating": rating, "channel": channel, "proof": proof})
    if rating != Appeal.Rating.DISSATISFIED:
        commit(appeal, SYSTEM, "close-satisfied", now=now, changes={"closed_at": now},
               data={"evaluated": True, "auto": True})


@transaction.atomic
def evaluate(appeal: Appeal, *, actor=None, token: str | None = None, rating: str, comment: str = "",
             channel: str = EvaluationChannel.PAGE, proof: str | None = None) -> Appeal:
    """The resident rates the reply: signed in (`actor`), or proven by the
    request's private token (`proof` "client": an app that filed it for the
    resident holds it). A rating other than dissatisfied closes it."""
    appeal, role = load(appeal, actor, "evaluate", token=token)
    rating, comment = _evaluation_fields(rating, comment)
    if channel not in (EvaluationChannel.PAGE, EvaluationChannel.API):
        raise Invalid(_("Unknown channel."), field="channel")
    _record_evaluation(appeal, None if token is not None else actor, "evaluate", role, rating=rating,
                       comment=comment, channel=channel,
                       proof=proof or ("token" if token is not None else "account"))
    return appeal


@transaction.atomic
def callback(appeal: Appeal, *, actor, reached: bool = True, rating: str = "", comment: str = "") -> Appeal:
    """回访: a dispatcher or supervisor (never the handling unit's own staff)
    calls the resident and records the answer, as the actor of the event. A
    call that did not reach the resident is recorded too: after it, the
    dispatcher may close the request as not evaluated."""
    if not isinstance(reached, bool):
        raise Invalid(_("Say whether the resident was reached."), field="reached")
    rule = "callback" if reached else "callback-unreached"
    appeal, role = load(appeal, actor, rule)
    if not reached:
        note = text(comment, "comment", _("a note on the call"), required=False, max_length=REASON)
        now = timezone.now()
        commit(appeal, actor, rule, role=role, now=now, note=note, public=False, changes={"callback_at": now},
               data={"reached": False})
        return appeal
    rating, comment = _evaluation_fields(rating, comment)
    _record_evaluation(appeal, actor, rule, role, rating=rating, comment=comment,
                       channel=EvaluationChannel.CALLBACK, proof="callback")
    return appeal


TRACKING_REASON_LENGTH = 200  # a resident's reason without an account, kept short


@transaction.atomic
def withdraw(appeal: Appeal, *, actor=None, token: str | None = None, reason: str = "") -> Appeal:
    """The resident takes the request back before the reply: signed in, or
    proven by the private token (the event then has no actor)."""
    appeal, role = load(appeal, actor, "withdraw", token=token)
    limit = TRACKING_REASON_LENGTH if token is not None else REASON
    commit(appeal, None if token is not None else actor, "withdraw", role=role,
           note=text(reason, "reason", _("the reason"), required=False, max_length=limit),
           changes={"closed_at": timezone.now(), **step_changes(appeal, None, None)})
    return appeal


# --- Supervision and notes ------------------------------------------------------

@transaction.atomic
def urge(appeal: Appeal, *, actor, content: str) -> Appeal:
    """催办: tells the unit; a repeat within the urge interval is refused."""
    appeal, role = load(appeal, actor, "urge")
    content = text(content, "content", _("the message"), max_length=REASON)
    now = timezone.now()
    commit(appeal, actor, "urge", role=role, note=content, public=False, now=now,
           changes={"urge_count": appeal.urge_count + 1, "last_urged_at": now})
    return appeal


@transaction.atomic
def supervise(appeal: Appeal, *, actor, content: str) -> Appeal:
    appeal, role = load(appeal, actor, "supervise")
    content = text(content, "content", _("the supervision notice"), max_length=1000)
    now = timezone.now()
    due = deadlines.step_deadline(TimeLimit.Step.SUPERVISE, appeal, now)
    commit(appeal, actor, "supervise", role=role, note=content, public=False, now=now,
           changes={"supervised": True, "supervise_due": due.due,
                    "deadline_estimated": appeal.deadline_estimated or due.estimated},
           data={"due": due.due.isoformat()})
    return appeal


COMMENT = 2000  # the longest comment a resident adds to their request


@transaction.atomic
def add_resident_comment(appeal: Appeal, *, content: str, via: str) -> Appeal:
    """The resident adds to their own request while it is open, through an app
    that proves them (`via`: how, e.g. the Open311 client's name). On the
    timeline with the resident's words for staff and the resident only; the
    holder of the request is told."""
    appeal = Appeal.objects.select_related("category", "unit", "owner_node", "node").get(pk=appeal.pk)
    if appeal.status not in TRANSITIONS["comment"].sources:
        raise WrongState(_("This request is “%(status)s”: it takes no more comments. Call the hotline "
                           "about it if needed.") % {"status": appeal.get_status_display()})
    content = text(content, "description", _("the comment"), max_length=COMMENT)
    commit(appeal, None, "comment", role=R.RESIDENT, note=content, data={"via": via})
    return appeal


@transaction.atomic
def add_note(appeal: Appeal, *, actor, content: str) -> Appeal:
    appeal, role = load(appeal, actor, "note")
    content = text(content, "content", _("the note"))
    commit(appeal, actor, "note", role=role, note=content, public=False)
    return appeal


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
                commit(appeal, SYSTEM, "close-expired", now=now,
                       changes={"closed_at": now, **step_changes(appeal, None, now)},
                       data={"evaluated": False, "auto": True})
            closed += 1
        except Conflict:
            continue
    return closed


def recalculate_deadlines(years=()) -> int:
    """After the admin entered or corrected the schedule of some `years`:
    every request whose stored deadlines were estimates, and every open one
    with a deadline in those years, gets them worked out again on the calendar
    as it is now (losing the mark where the year is now known), with the
    reply's on-time flag; each change is an internal timeline event. A request
    acted on meanwhile is read again and recomputed. Returns how many requests
    changed."""
    calendar = WorkCalendar.load()
    years = sorted(set(years))
    affected = Q(deadline_estimated=True)
    if years:
        in_years = Q(step_due__year__in=years) | Q(handle_due__year__in=years) | Q(supervise_due__year__in=years)
        affected |= in_years & ~Q(status__in=TERMINAL)
    changed = 0
    for pk in Appeal.objects.filter(affected).values_list("pk", flat=True).iterator():
        for _attempt in range(3):
            appeal = Appeal.objects.select_related("category").get(pk=pk)
            changes = deadlines.recompute(appeal, list(appeal.events.order_by("at", "pk")), calendar)
            if not changes:
                break
            before = {k: _iso(getattr(appeal, k)) for k in changes}
            try:
                with transaction.atomic():
                    commit(appeal, SYSTEM, "recalculate", changes=changes, public=False,
                           data={"years": years, "before": before,
                                 "after": {k: _iso(v) for k, v in changes.items()}})
            except Conflict:
                continue  # acted on between the read and the write: read it again
            changed += 1
            break
    return changed


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def recalculate_on_schedule_change(sender, years=(), **kwargs) -> None:
    """workcalendar.signals.schedule_changed: the admin entered or corrected days."""
    recalculate_deadlines(years)


# The actions people take, by the name the pages and the API use.
ACTIONS = {
    "register": register,
    "reject": reject,
    "dispatch": dispatch,
    "sign": sign_for,
    "return": return_to_dispatcher,
    "start": start,
    "request-extension": request_extension,
    "approve-extension": approve_extension,
    "co-sign": co_sign,
    "co-reply": co_reply,
    "reply": reply,
    "evaluate": evaluate,
    "callback": callback,
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
