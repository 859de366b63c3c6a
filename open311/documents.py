"""What Open311 says of a category (a service) and of a request: the public
fields only, by the rules of the public tracking page.

- `description`: the title when `analysis.privacy.shown_title` lets it show,
  else the category; never the description the resident wrote.
- `address`: the public place (the community, `appeals.timeline.public_place`);
  `lat`/`long`: the coordinates of the request's grid or compound, or of the
  nearest place above it that has some (`analysis.hotspots.located`), never the
  point the resident gave.
- No name, phone or e-mail, ever; `agency_responsible` is the handling unit.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from analysis.hotspots import located
from analysis.privacy import shown_title
from appeals import questions
from appeals.catalogue import catalogue
from appeals.forms import category_label
from appeals.models import Appeal, Category, Status
from appeals.timeline import Entry, public_entry, public_place, public_timeline
from organisations.tree import tree

from .formats import moment

OPEN = "open"
CLOSED = "closed"
# Every Hubiying state is open or closed in Open311: the terminal ones are closed.
STATUS = {
    Status.SUBMITTED: OPEN, Status.REGISTERED: OPEN, Status.DISPATCHED: OPEN, Status.SIGNED: OPEN,
    Status.RETURNED: OPEN, Status.IN_PROGRESS: OPEN, Status.REPLIED: OPEN, Status.EVALUATED: OPEN,
    Status.REOPENED: OPEN,
    Status.REJECTED: CLOSED, Status.CLOSED: CLOSED, Status.MERGED: CLOSED, Status.WITHDRAWN: CLOSED,
}
# States a list (by dates, status, service) leaves out: not accepted yet, or not
# a matter of its own. Asked for by service_request_id, they are answered too.
UNLISTED = {Status.SUBMITTED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN}


def leaf_categories() -> list[Category]:
    """The services: the categories the intake files requests under (active, without active
    subcategories), in the admin's order, from the catalogue held per process."""
    known = catalogue()
    return [c for c in known.by_code.values() if known.leaf(c.code)[1]]


def service(category: Category) -> dict:
    names = [category.name] + ([category.name_en] if category.name_en else [])
    return {
        "service_code": category.code,
        "service_name": category_label(category),
        "description": (f"{category_label(category.parent)} › " if category.parent_id else "")
        + category_label(category),
        "metadata": bool(questions.of(category)),
        "type": "realtime",
        "keywords": ", ".join(names),
        "group": category_label(category.parent) if category.parent_id else "",
    }


def definition(category: Category) -> dict:
    """The service's extra questions as the spec's attributes (order 1, 2, … as the admin ordered them)."""
    return {"service_code": category.code, "attributes": [
        {
            "variable": question.variable,
            "code": question.code,
            "datatype": question.datatype,
            "required": question.required and question.variable,
            "datatype_description": question.datatype_description,
            "order": order,
            "description": questions.label(question),
            **({"values": [{"key": k, "name": n} for k, n in question.values()]} if question.is_list else {}),
        }
        for order, question in enumerate(questions.of(category), start=1)
    ]}


def _status_notes(appeal: Appeal) -> str:
    if appeal.status == Status.MERGED and appeal.merged_into_id:
        return _("Joined with request %(number)s about the same matter: follow that one.") % {
            "number": appeal.merged_into.tracking_no}
    if appeal.status == Status.REJECTED:
        return appeal.reject_reason
    if appeal.replied_at and appeal.reply_content:
        return appeal.reply_content
    return ""


def request(appeal: Appeal, *, extensions: bool = False) -> dict:
    places = tree()
    node = places.by_id.get(appeal.node_id, appeal.node)
    spot = located(places, node)
    shown = shown_title(appeal.title, appeal.description, appeal.contact_name, appeal.address)
    waiting = appeal.is_open() and not appeal.replied_at
    out = {
        "service_request_id": appeal.tracking_no,
        "status": STATUS[appeal.status],
        "status_notes": _status_notes(appeal),
        "service_name": category_label(appeal.category),
        "service_code": appeal.category.code,
        "description": shown or category_label(appeal.category),
        "agency_responsible": appeal.unit.name if appeal.unit_id and appeal.status != Status.RETURNED else "",
        "service_notice": "",
        "requested_datetime": moment(appeal.created_at),
        "updated_datetime": moment(appeal.updated_at),
        "expected_datetime": moment(appeal.handle_due) if waiting else None,
        "address": public_place(appeal).name,
        "address_id": "",
        "zipcode": "",
        "lat": spot.lat if spot else None,
        "long": spot.lng if spot else None,
        "media_url": "",
    }
    if extensions:
        out["extended_attributes"] = _extended(appeal)
    return out


def _extended(appeal: Appeal) -> dict:
    """The rich state, the evaluation and the public timeline as notes."""
    notes = [{"datetime": moment(e.at), "description": _words(e), "type": e.action} for e in public_timeline(appeal)]
    return {
        "hubiying_status": appeal.status,
        "hubiying_status_name": appeal.get_status_display(),
        "rating": appeal.rating,
        "rating_name": appeal.get_rating_display() if appeal.rating else "",
        "evaluated_datetime": moment(appeal.evaluated_at),
        "merged_into": appeal.merged_into.tracking_no if appeal.merged_into_id else "",
        "notes": notes,
    }


def _words(entry: Entry) -> str:
    """A public timeline entry in one line: what happened, the unit, the details, the public text."""
    words = " · ".join([entry.label] + ([entry.unit] if entry.unit else []) + entry.details)
    return f"{words}: {entry.text}" if entry.text else words


def update(event) -> dict:
    """A public timeline event as an update (servicerequestupdates): its id, the
    request, open or closed after it, and what the public timeline says of it."""
    return {
        "update_id": str(event.pk),
        "service_request_id": event.appeal.tracking_no,
        "status": STATUS.get(event.to_status, OPEN),
        "updated_datetime": moment(event.at),
        "description": _words(public_entry(event)),
        "media_url": "",
        "external_status_code": event.to_status,
    }
