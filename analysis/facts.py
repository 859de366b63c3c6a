"""What one request contributes to the figures, from its timeline alone.

`parts(request, events, ...)` reads the events oldest first and returns one
`Part` per unit that had a part in the request: the lead unit (the unit of the
last dispatch that was not returned; 0 before any) holds the request's own
counts, a unit that returned it and every co-unit the counts of their part.
Events written before the figures existed lack some data (the request's
category and place on `submit`, the response deadline on `sign`); the request
row stands in for the first, and a sign-for without a response deadline is not
counted for the response rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from organisations.models import Node

from .models import COUNTERS, TYPE_COUNTERS

RESOLVED = "resolved"
RATING_COLUMN = {"satisfied": "satisfied", "basically_satisfied": "basically", "dissatisfied": "dissatisfied"}
RESPONSES = {"start", "reply", "return"}  # the unit's first contact after its sign-for


@dataclass
class Part:
    unit: int
    owner: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    hours_tenths: int | None = None


@dataclass
class Request:
    """The request's own dimensions (as received) and its parts."""

    appeal_id: int
    day: date
    node: int
    county: int
    town: int
    community: int
    category: int
    channel: str
    type: str
    urgency: str
    parts: dict[int, Part]

    def key(self) -> tuple:
        return (self.day, self.node, self.county, self.town, self.community, self.category, self.channel,
                self.type, self.urgency)


def _at(value) -> datetime | None:
    """A deadline as the event data stores it (ISO 8601)."""
    return parse_datetime(value) if isinstance(value, str) else value


def areas(tree, node_id: int) -> tuple[int, int, int]:
    """The county, town and community a place lies in (0 where none)."""
    node = tree.by_id.get(node_id)
    found = {Node.Kind.COUNTY: 0, Node.Kind.TOWN: 0, Node.Kind.COMMUNITY: 0}
    if node is not None:
        for above in tree.ancestors(node):
            if above.kind in found and not found[above.kind]:
                found[above.kind] = above.pk
    return found[Node.Kind.COUNTY], found[Node.Kind.TOWN], found[Node.Kind.COMMUNITY]


def request_of(row: dict, events: list[dict], tree, calendar) -> Request:
    """row: the request's `id`, `category_id`, `channel`, `type`, `urgency`,
    `node_id`, `created_at` (used where the submit event lacks them).
    events: dicts with `action`, `at`, `data`, oldest first."""
    submit = next((e for e in events if e["action"] == "submit"), None)
    sdata = (submit or {}).get("data") or {}
    received_at = submit["at"] if submit else row["created_at"]
    node = int(sdata.get("node") or row["node_id"])
    county, town, community = areas(tree, node)
    req = Request(
        appeal_id=row["id"], day=timezone.localtime(received_at).date(), node=node, county=county, town=town,
        community=community, category=int(sdata.get("category") or row["category_id"]),
        channel=sdata.get("channel") or row["channel"], type=sdata.get("type") or row["type"],
        urgency=sdata.get("urgency") or row["urgency"], parts={},
    )

    def part(unit: int) -> Part:
        if unit not in req.parts:
            req.parts[unit] = Part(unit)
        return req.parts[unit]

    own: dict[str, int] = dict.fromkeys(COUNTERS, 0)  # the request's counts, given to the lead part at the end
    lead = 0
    waiting_response: datetime | None = None  # the response deadline of the last sign-for, until answered
    on_time = None
    result = ""
    rating = ""
    first_reply: datetime | None = None
    for event in events:
        action, at, data = event["action"], event["at"], event.get("data") or {}
        if waiting_response is not None and action in RESPONSES:
            part(lead).counts["responded_on_time"] += at <= waiting_response
            waiting_response = None
        if action == "submit":
            own["received"] = 1
        elif action == "register":
            own["registered"] = 1
        elif action == "reject":
            own["rejected"] = 1
        elif action == "dispatch":
            lead = int(data.get("unit") or 0)
            part(lead).counts["dispatched"] += 1
            for co in data.get("co_units") or []:
                part(int(co)).counts["co_parts"] += 1
        elif action == "sign":
            counts = part(lead).counts
            counts["signed"] += 1
            counts["signed_on_time"] += bool(data.get("on_time", True))
            if data.get("on_the_spot"):
                counts["response_due"] += 1
                counts["responded_on_time"] += 1
            elif data.get("respond_due"):
                counts["response_due"] += 1
                waiting_response = _at(data["respond_due"])
        elif action == "return":
            part(int(data.get("unit") or lead)).counts["returns"] += 1
            lead = 0
        elif action == "co-reply":
            part(int(data.get("unit") or 0)).counts["co_replied"] += 1
        elif action == "approve-extension":
            own["extensions"] += bool(data.get("approve"))
        elif action == "reply":
            own["replied"] = 1
            on_time = bool(data.get("on_time", True))
            result = data.get("result") or ""
            own["on_the_spot"] = own["on_the_spot"] or int(bool(data.get("on_the_spot")))
            if first_reply is None:
                first_reply = at
        elif action == "recalculate":
            after = data.get("after") or {}
            if "reply_on_time" in after and after["reply_on_time"] is not None:
                on_time = bool(after["reply_on_time"])
        elif action == "reopen":
            own["reopenings"] += 1
            own["reopened"] = 1
        elif action == "evaluate":
            own["evaluated"] = 1
            rating = data.get("rating") or ""
            own["callbacks"] += data.get("channel") == "callback"
        elif action == "close":
            own["closed"] = 1
        elif action == "withdraw":
            own["withdrawn"] = 1
        elif action == "merge":
            own["merged"] = 1
    if own["received"]:
        own["urgent"] = int(req.urgency == "urgent")
        if req.type in TYPE_COUNTERS:
            own[TYPE_COUNTERS[req.type]] = 1
    if own["replied"]:
        own["replied_on_time"] = int(bool(on_time))
    if own["evaluated"] and rating in RATING_COLUMN:
        own[RATING_COLUMN[rating]] = 1
        own["resolved"] = int(result == RESOLVED)
    owner = part(lead)
    owner.owner = True
    if first_reply is not None:
        hours = calendar.working_hours_between(received_at, first_reply)
        owner.hours_tenths = max(0, round(hours * 10))
        own["handled"] = 1
        own["handled_tenths"] = owner.hours_tenths
    for name, value in own.items():
        owner.counts[name] += value
    return req
