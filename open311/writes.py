"""The writing endpoints of Open311: POST requests (a new request, through the
very intake of the resident page and the native API) and POST
servicerequestupdates (the FixMyStreet extension: the resident's comment, or
their verdict on the reply). Both need a registered client's api_key (403
without) and count against that client's rate limit.

The form's names are the spec's; the intake's problems come back under them
("attribute[floor]: …"), every problem in one answer.
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from appeals import residents, services, tracking
from appeals.errors import ActionError
from appeals.models import Appeal, AppealEvent, EvaluationChannel, Status

from . import keys
from .formats import respond
from .models import ClientUpdate, FiledRequest
from .params import BadInput, limit, param

# The intake's field -> the Open311 parameter it came from.
OPEN311_NAMES = {"category": "service_code", "lng": "long", "address": "address_string", "community": "address_id",
                 "contact_phone": "phone", "contact_name": "last_name", "photos": "media", "comment": "description"}
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")
SHORT = 100  # the longest device_id, account_id, first_name or last_name


def _client(request):
    client = keys.check(param(request, "api_key"))
    if client is None:
        raise BadInput(_("A valid api_key is needed to write: ask the platform's administrator for one."), 403)
    limit(request, "open311-write", client, client.hourly_limit)
    return client


def _short(request, name: str) -> str:
    value = (param(request, name) or "").strip()
    if len(value) > SHORT:
        raise BadInput(_("%(name)s may have at most %(n)d characters.") % {"name": name, "n": SHORT})
    return value


def _checked(value: str, validator, name: str, longest: int) -> str:
    if value:
        try:
            if len(value) > longest:
                raise ValidationError("too long")
            validator(value)
        except ValidationError:
            raise BadInput(_("%(name)s does not look right.") % {"name": name}) from None
    return value


def _refusal(exc: ActionError) -> BadInput:
    """The intake's problems, each under the Open311 name of its field."""
    lines = []
    for field, detail in exc.errors:
        if field and field.startswith("answers."):
            name = f"attribute[{field.split('.', 1)[1]}]"
        else:
            name = OPEN311_NAMES.get(field or "", field)
        lines.append(f"{name}: {detail}" if name else detail)
    return BadInput(lines, exc.status if exc.status in (400, 403, 404) else 400)


def _answers(request) -> dict:
    """attribute[code]=value, and attribute[code][]=value repeated for a multivaluelist."""
    answers: dict = {}
    for key in request.POST:
        found = ATTRIBUTE.match(key)
        if found:
            values = request.POST.getlist(key)
            answers[found.group(1)] = values if found.group(2) or len(values) > 1 else values[0]
    return answers


def _name(first: str, last: str) -> str:
    """The resident's name as written in Chinese (family name first, no space), else 'first last'."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def create(request, fmt: str) -> HttpResponse:
    """POST requests: answers the tracking number (service_request_id), a token and the notice."""
    client = _client(request)
    email = _checked((param(request, "email") or "").strip(), EmailValidator(), "email", 254)
    media_url = _checked((param(request, "media_url") or "").strip(), URLValidator(schemes=["http", "https"]),
                         "media_url", 500)
    device_id, account_id = _short(request, "device_id"), _short(request, "account_id")
    name = _name(_short(request, "first_name"), _short(request, "last_name"))
    if len(name) > 40:
        raise BadInput(_("first_name and last_name together may have at most 40 characters."))
    data = {
        "category": param(request, "service_code") or "",
        "description": param(request, "description") or "",
        "lat": param(request, "lat"), "lng": param(request, "long"),
        "address": param(request, "address_string") or "",
        "community": param(request, "address_id") or None,
        "contact_name": name, "contact_phone": param(request, "phone") or "",
        "answers": _answers(request),
    }
    try:
        with transaction.atomic():
            appeal, _created = services.create_appeal(data, channel=Appeal.Channel.OPEN311,
                                                      photos=request.FILES.getlist("media"))
            filed = FiledRequest.objects.create(
                appeal=appeal, client=client, token=secrets.token_urlsafe(18), email=email, device_id=device_id,
                account_id=account_id, media_url=media_url)
    except ActionError as exc:
        raise _refusal(exc) from None
    notice = _("Received as %(number)s. The resident gets its private link by text message; the reply is due "
               "within the time limit of its category.") % {"number": appeal.tracking_no}
    return respond(fmt, "service_requests", [{
        "service_request_id": appeal.tracking_no, "token": filed.token, "service_notice": notice,
        "account_id": account_id,
    }])


# What a resident's update may say besides a comment (FixMyStreet's statuses, upper case).
VERDICTS = {"REOPEN": Appeal.Rating.DISSATISFIED, "FIXED": Appeal.Rating.SATISFIED}
PLAIN = {"", "OPEN", "CLOSED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "UNCHANGED"}


def update(request, fmt: str) -> HttpResponse:
    """POST servicerequestupdates: the resident's update on a request its client filed.
    A comment becomes a timeline entry; REOPEN after the reply is a 不满意 evaluation
    (the request goes back to the dispatcher), FIXED after the reply a 满意 one.
    The client's update_id makes a retry safe: the same one answers the same update."""
    client = _client(request)
    given = param(request, "service_request_id") or ""
    number = tracking.normalise(given)
    appeal = Appeal.objects.select_related("open311").filter(tracking_no=number).first() if number else None
    if appeal is None:
        raise BadInput(_("No request has the id %(id)s.") % {"id": given[:40]}, 404)
    filed = getattr(appeal, "open311", None)
    if filed is None or filed.client_id != client.pk:
        raise BadInput(_("Only the application that filed a request may post its resident's updates."), 403)
    update_id = (param(request, "update_id") or "").strip()
    if len(update_id) > 100:
        raise BadInput(_("update_id may have at most 100 characters."))
    if update_id:
        done = ClientUpdate.objects.filter(client=client, update_id=update_id).first()
        if done is not None:
            return _updated(fmt, done.event_id)
    status = (param(request, "status") or "").strip().upper()
    if status not in VERDICTS and status not in PLAIN:
        accepted = ", ".join(sorted((PLAIN | set(VERDICTS)) - {""}))
        raise BadInput(_("status is one of %(values)s.") % {"values": accepted})
    comment = param(request, "description") or ""
    try:
        with transaction.atomic():
            if status in VERDICTS:
                if appeal.status != Status.REPLIED:
                    raise BadInput(_("%(status)s is taken after the reply, while the resident may evaluate it; "
                                     "this request is “%(state)s”.") % {"status": status,
                                                                      "state": appeal.get_status_display()})
                services.evaluate(appeal, token=residents.token_for(appeal), rating=VERDICTS[status],
                                  comment=comment, channel=EvaluationChannel.API, proof="client")
                action = "evaluate"
            else:
                services.add_resident_comment(appeal, content=comment, via=client.name)
                action = "comment"
            event = AppealEvent.objects.filter(appeal=appeal, action=action).latest("at", "id")
            if update_id:
                ClientUpdate.objects.create(client=client, update_id=update_id, event=event)
    except (IntegrityError, ActionError) as exc:
        # The same update_id posted twice at once: the first one stands, and both hear of it.
        done = ClientUpdate.objects.filter(client=client, update_id=update_id).first() if update_id else None
        if done is not None:
            return _updated(fmt, done.event_id)
        if isinstance(exc, IntegrityError):
            raise
        raise _refusal(exc) from None
    return _updated(fmt, event.pk)


def _updated(fmt: str, event_id: int) -> HttpResponse:
    return respond(fmt, "service_request_updates", [{"update_id": str(event_id)}])
