"""The timeline as people read it: what each event is called, and what it
says to the public, to the request's own resident and to staff. Pages, the
API and the notifications all read events through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Node
from organisations.tree import tree

from . import access
from .models import Appeal, AppealEvent, EvaluationChannel

EVENT_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "register": gettext_lazy("Registered"),
    "reject": gettext_lazy("Not accepted"),
    "dispatch": gettext_lazy("Dispatched"),
    "sign": gettext_lazy("Signed for"),
    "return": gettext_lazy("Returned to the dispatcher"),
    "start": gettext_lazy("Handling started"),
    "request-extension": gettext_lazy("Extension requested"),
    "approve-extension": gettext_lazy("Extension decided"),
    "co-sign": gettext_lazy("Co-unit signed for its part"),
    "co-reply": gettext_lazy("Co-unit replied to its part"),
    "reply": gettext_lazy("Replied"),
    "evaluate": gettext_lazy("Evaluated"),
    "callback": gettext_lazy("Called back"),
    "reopen": gettext_lazy("Reopened"),
    "close": gettext_lazy("Closed"),
    "merge": gettext_lazy("Merged into another request"),
    "withdraw": gettext_lazy("Withdrawn"),
    "urge": gettext_lazy("Urged"),
    "remind": gettext_lazy("Reminded: the step's time is running out"),
    "supervise": gettext_lazy("Put under supervision"),
    "note": gettext_lazy("Internal note"),
    "comment": gettext_lazy("The resident added information"),
    "escalate": gettext_lazy("Escalated"),
    "recalculate": gettext_lazy("Deadlines recalculated"),
    "reassign": gettext_lazy("Dispatching level changed"),
}

RESULT_LABELS = dict(Appeal.Result.choices)
RATING_LABELS = dict(Appeal.Rating.choices)
CHANNEL_LABELS = {
    EvaluationChannel.PAGE: gettext_lazy("by the resident on the page"),
    EvaluationChannel.API: gettext_lazy("by the resident in an app"),
    EvaluationChannel.CALLBACK: gettext_lazy("recorded by call-back"),
}
# What the resident wrote on their own events: shown back to them once proven.
RESIDENT_TEXT = {"evaluate", "withdraw", "comment"}


def public_place(appeal: Appeal):
    """The place as the public pages name it: the community (never a compound,
    which may say where the resident lives)."""
    places = tree()
    node = places.by_id.get(appeal.node_id, appeal.node)
    return places.ancestor_of_kind(node, Node.Kind.COMMUNITY) or node


def label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


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
    photos: list = field(default_factory=list)


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
        out.append(_("handled on the spot"))
    return out


def unit_of(event: AppealEvent) -> str:
    """The handling unit an event names: the one dispatched to, or the one that acted."""
    if event.action == "dispatch":
        return (event.data or {}).get("unit_name", "")
    return event.actor_unit.name if event.actor_unit_id else ""


def _photos_by_event(appeal: Appeal) -> dict[int, list]:
    by_event: dict[int, list] = {}
    for photo in appeal.photos.all():
        by_event.setdefault(photo.event_id, []).append(photo)
    return by_event


def public_timeline(appeal: Appeal, *, resident: bool = False) -> list[Entry]:
    """What anyone holding the tracking number may read: states, dates, the
    handling unit's name, the reply and a refusal's reason; never notes,
    people's names, contact data or anything the resident wrote. The resident,
    once proven (`resident`), also reads back their own words and photos."""
    events = appeal.events.filter(public=True).select_related("actor_unit")
    photos = _photos_by_event(appeal) if resident else {}
    return [public_entry(event, resident=resident, photos=photos.get(event.pk, [])) for event in events]


def public_entry(event: AppealEvent, *, resident: bool = False, photos=()) -> Entry:
    """One public event as `public_timeline` shows it (the caller checks `event.public`)."""
    shown = event.action in ("reply", "reject") or (resident and event.action in RESIDENT_TEXT)
    return Entry(
        action=event.action, label=label(event.action), at=event.at, status=event.get_to_status_display(),
        unit=unit_of(event), text=event.note if shown else "", details=_details(event), photos=list(photos),
    )


def staff_timeline(appeal: Appeal) -> list[Entry]:
    photos = _photos_by_event(appeal)
    entries = []
    for event in appeal.events.select_related("actor", "actor_unit"):
        data = event.data or {}
        details = _details(event)
        if event.action == "request-extension" and data.get("days"):
            details.append(_("%(n)s working days") % {"n": data["days"]})
        if event.action == "approve-extension":
            details.append(_("approved") if data.get("approve") else _("refused"))
        if event.action == "evaluate" and data.get("channel") in CHANNEL_LABELS:
            details.append(str(CHANNEL_LABELS[data["channel"]]))
        if event.action == "evaluate" and data.get("proof") == "token":
            details.append(_("proven by the private link"))
        if event.action == "evaluate" and data.get("proof") == "client":
            details.append(_("through the app that filed it for the resident"))
        if event.action == "comment" and data.get("via"):
            details.append(_("through %(app)s") % {"app": data["via"]})
        if event.action == "callback" and data.get("reached") is False:
            details.append(_("the resident could not be reached"))
        if event.action == "register" and data.get("on_behalf"):
            details.append(_("registered on the resident's behalf"))
        if event.action == "dispatch" and data.get("co_unit_names"):
            details.append(_("co-units: %(units)s") % {"units": "、".join(data["co_unit_names"])})
        if event.action == "reply" and data.get("co_note"):
            details.append(_("without the co-units' parts: %(why)s") % {"why": data["co_note"]})
        if event.action == "recalculate" and data.get("years"):
            details.append(_("the %(year)s calendar was entered") % {"year": "、".join(map(str, data["years"]))})
        if event.action == "recalculate" and (data.get("after") or {}).get("handle_due"):
            due = datetime.fromisoformat(data["after"]["handle_due"])
            details.append(_("reply due %(due)s") % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")})
        entries.append(Entry(
            action=event.action, label=label(event.action), at=event.at, status=event.get_to_status_display(),
            unit=unit_of(event), text=event.note, details=details,
            actor=access.actor_name(event, appeal, staff=True), public=event.public,
            photos=photos.get(event.pk, []),
        ))
    return entries
