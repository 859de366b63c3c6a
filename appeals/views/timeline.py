"""The timeline as people read it: what each event says to a resident on the
public page, and to staff on the workbench."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from ..models import Appeal, AppealEvent

EVENT_LABELS = {
    "submit": _("Submitted"),
    "register": _("Registered"),
    "reject": _("Not accepted"),
    "dispatch": _("Dispatched"),
    "sign": _("Signed for"),
    "return": _("Returned to the dispatcher"),
    "start": _("Handling started"),
    "request-extension": _("Extension requested"),
    "approve-extension": _("Extension decided"),
    "reply": _("Replied"),
    "evaluate": _("Evaluated"),
    "reopen": _("Reopened"),
    "close": _("Closed"),
    "merge": _("Merged into another request"),
    "withdraw": _("Withdrawn"),
    "urge": _("Urged"),
    "supervise": _("Put under supervision"),
    "note": _("Internal note"),
    "escalate": _("Escalated"),
}

# The actions the submit buttons of the staff page are labelled with.
ACTION_BUTTONS = {
    "register": _("Register"),
    "reject": _("Do not accept"),
    "dispatch": _("Dispatch"),
    "sign": _("Sign for"),
    "return": _("Return to the dispatcher"),
    "start": _("Start handling"),
    "request-extension": _("Ask for an extension"),
    "approve-extension": _("Decide on the extension"),
    "reply": _("Reply"),
    "evaluate": _("Record the resident's rating"),
    "reopen": _("Reopen"),
    "close": _("Close"),
    "merge": _("Merge"),
    "urge": _("Urge"),
    "supervise": _("Supervise"),
    "note": _("Add an internal note"),
}

ACTION_DONE = {
    "register": _("Registered."),
    "reject": _("Not accepted; the resident sees the reason."),
    "dispatch": _("Dispatched."),
    "sign": _("Signed for."),
    "return": _("Returned to the dispatcher."),
    "start": _("Handling started."),
    "request-extension": _("Extension requested."),
    "approve-extension": _("Extension decided."),
    "reply": _("Reply sent."),
    "evaluate": _("Rating recorded."),
    "reopen": _("Reopened."),
    "close": _("Closed."),
    "merge": _("Merged."),
    "urge": _("Urged: the handling unit is told."),
    "supervise": _("Under supervision."),
    "note": _("Note added."),
}

RESULT_LABELS = dict(Appeal.Result.choices)
RATING_LABELS = dict(Appeal.Rating.choices)


@dataclass
class Entry:
    action: str
    label: str
    at: datetime
    status: str = ""
    unit: str = ""
    text: str = ""
    details: list[str] = field(default_factory=list)
    actor: str = ""
    public: bool = True


def _details(event: AppealEvent) -> list[str]:
    data = event.data or {}
    out: list[str] = []
    if event.action == "reply" and data.get("result") in RESULT_LABELS:
        out.append(str(RESULT_LABELS[data["result"]]))
    if event.action == "evaluate" and data.get("rating") in RATING_LABELS:
        out.append(str(RATING_LABELS[data["rating"]]))
    if event.action == "merge" and data.get("into_tracking_no"):
        out.append(data["into_tracking_no"])
    if data.get("on_the_spot") and event.action == "reply":
        out.append(str(_("handled on the spot")))
    return out


def public_timeline(appeal: Appeal) -> list[Entry]:
    """What anyone holding the tracking number may read: states, dates, the
    handling unit's name, the reply and a refusal's reason; never notes,
    people's names or contact data."""
    events = appeal.events.filter(public=True).select_related("actor_unit")
    entries = []
    for event in events:
        text = event.note if event.action in ("reply", "reject") else ""
        unit = event.actor_unit.name if event.actor_unit_id else ""
        if event.action == "dispatch":
            unit = (event.data or {}).get("unit_name", "")
        entries.append(Entry(
            action=event.action, label=str(EVENT_LABELS.get(event.action, event.action)), at=event.at,
            status=event.get_to_status_display(), unit=unit, text=text, details=_details(event),
        ))
    return entries


# What a resident without an account does: an event of these with no actor is theirs.
RESIDENT_ACTIONS = {"submit", "evaluate", "withdraw"}


def staff_timeline(appeal: Appeal) -> list[Entry]:
    entries = []
    for event in appeal.events.select_related("actor", "actor_unit"):
        data = event.data or {}
        details = _details(event)
        if event.action == "request-extension" and data.get("days"):
            details.append(str(_("%(n)s working days") % {"n": data["days"]}))
        if event.action == "approve-extension":
            details.append(str(_("approved") if data.get("approve") else _("refused")))
        if event.action == "evaluate" and data.get("callback"):
            details.append(str(_("recorded by call-back")))
        if event.action in ("register",) and data.get("on_behalf"):
            details.append(str(_("registered on the resident's behalf")))
        actor = ""
        if event.actor_id and event.actor_id == appeal.submitted_by_id:
            actor = str(_("the resident"))  # their account name is personal data
        elif not event.actor_id and event.action in RESIDENT_ACTIONS and not data.get("callback"):
            actor = str(_("the resident"))  # without an account, proven by the phone's digits
        elif event.actor_id:
            actor = event.actor.get_full_name() or event.actor.get_username()
        unit = event.actor_unit.name if event.actor_unit_id else ""
        if event.action == "dispatch":
            unit = data.get("unit_name", unit)
        entries.append(Entry(
            action=event.action, label=str(EVENT_LABELS.get(event.action, event.action)), at=event.at,
            status=event.get_to_status_display(), unit=unit, text=event.note, details=details, actor=actor,
            public=event.public,
        ))
    return entries
