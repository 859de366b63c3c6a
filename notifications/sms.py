"""Text messages to residents' phones, behind one small interface.

`queue()` writes an SmsMessage in the caller's transaction; the worker
(`send_pending`, run by `manage.py run_worker` and `run_timers`) claims each
with a conditional UPDATE, hands it to the configured backend and records the
answer, so that a message is sent once even with several workers and is
retried with back-off when the provider fails (30 s, 2 min, 10 min, 1 h). No
message goes out in the quiet hours (SMS_QUIET_HOURS, 22:00–07:00 by default)
unless it answers what the person is doing right now (their code, the link of
the request they just sent) or belongs to an urgent request: it waits until the
hours end. A phone whose holder opted out gets nothing but the codes they ask
for (`opt_out`, checked again just before sending). The backend is a deployment setting,
`SMS_BACKEND`: the console backend (development, the demo) writes each
message to the log; `LocmemBackend` keeps them in `outbox` for tests; a real
provider's backend implements `send()` the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import SmsMessage, SmsOptOut

logger = logging.getLogger("hubiying.sms")
T = SmsMessage.Template

# Template -> the values that must not outlive the sending.
SECRET_PARAMS = {
    T.APPEAL_RECEIVED: {"link"},
    T.APPEAL_REPLIED: {"link"},
    T.APPEAL_CLOSED: {"link"},
    T.ONE_TIME_CODE: {"code"},
    T.EVENT_SIGNED_UP: {"link"},
    T.EVENT_WAITING: {"link"},
    T.EVENT_PROMOTED: {"link"},
    T.VOLUNTEER_LINK: {"link"},
    T.CARE_ASSIGNED: {"link"},
    T.CARE_DONE: {"link"},
    T.CARE_MISSED: {"link"},
}
MAX_ATTEMPTS = 5
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))

def claim_timeout() -> timedelta:
    """How long a claimed message stays with its worker before another may take it (the first died)."""
    return timedelta(seconds=getattr(settings, "SMS_CLAIM_TIMEOUT_SECONDS", 300))

# Answers to what the person is doing at this moment: sent at any hour.
IMMEDIATE = {T.ONE_TIME_CODE, T.APPEAL_RECEIVED, T.EVENT_SIGNED_UP, T.EVENT_WAITING, T.VOLUNTEER_LINK}
# Asked for by the person themselves: sent even to a phone that opted out.
ALWAYS = {T.ONE_TIME_CODE}


class Transient(Exception):
    """The provider failed this time (no answer, a 5xx, a rate limit): tried again after the back-off."""


class Permanent(Exception):
    """The provider refused what no retry can change (a wrong number, a missing template): given up at once."""


def quiet_hours() -> tuple[time, time] | None:
    """SMS_QUIET_HOURS as (start, end) in local time, e.g. "22:00-07:00"; None when empty or "off"."""
    text = (settings.SMS_QUIET_HOURS or "").strip()
    if not text or text.lower() == "off":
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def quiet_until(now: datetime | None = None) -> datetime | None:
    """When the quiet hours that `now` falls in end (an aware datetime), or None outside them."""
    hours = quiet_hours()
    if hours is None:
        return None
    start, end = hours
    local = timezone.localtime(now or timezone.now())
    at = local.time()
    inside = (start <= at or at < end) if start > end else (start <= at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), local.tzinfo)


def phone_digest(phone: str) -> str:
    return salted_hmac("hubiying.sms.opt_out", phone.strip(), algorithm="sha256").hexdigest()


def opted_out(phone: str) -> bool:
    return SmsOptOut.objects.filter(phone_digest=phone_digest(phone)).exists()


def opt_out(phone: str) -> None:
    SmsOptOut.objects.get_or_create(phone_digest=phone_digest(phone))


def opt_in(phone: str) -> None:
    SmsOptOut.objects.filter(phone_digest=phone_digest(phone)).delete()


def render(template: str, params: dict) -> str:
    """The message text, in the platform's language (residents read Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        sign = _("[Hubiying]")
        if template == T.APPEAL_RECEIVED:
            text = _("Your request %(no)s is received. Follow it, evaluate the reply or withdraw it here "
                     "(keep this link to yourself): %(link)s") % params
        elif template == T.APPEAL_REPLIED:
            text = _("Your request %(no)s has a reply. Read it and tell us if you are satisfied: %(link)s") % params
        elif template == T.APPEAL_CLOSED:
            text = _("Your request %(no)s is closed. Thank you. What was done: %(link)s") % params
        elif template == T.ONE_TIME_CODE:
            text = _("Your code is %(code)s, valid for %(minutes)s minutes. Do not give it to anyone.") % params
        elif template == T.EVENT_SIGNED_UP:
            text = _("You are signed up for “%(event)s” on %(when)s. To cancel (keep this link to yourself): "
                     "%(link)s") % params
        elif template == T.EVENT_WAITING:
            text = _("“%(event)s” on %(when)s is full: you are number %(position)s on the waiting list and will "
                     "be told if a place comes free. Your sign-up: %(link)s") % params
        elif template == T.EVENT_PROMOTED:
            text = _("A place came free: you are now signed up for “%(event)s” on %(when)s. If you cannot "
                     "come, cancel here: %(link)s") % params
        elif template == T.EVENT_CANCELLED:
            text = _("“%(event)s” on %(when)s is called off. We are sorry.") % params
        elif template == T.VOLUNTEER_LINK:
            text = _("%(name)s, thank you for volunteering. Your orders, duties and hours (keep this link to "
                     "yourself): %(link)s") % params
        elif template == T.CARE_ASSIGNED:
            text = _("You have a new care order: %(what)s, by %(when)s. Details: %(link)s") % params
        elif template == T.CARE_DONE:
            text = _("%(volunteer)s says your %(what)s is done. Tap to confirm: %(link)s") % params
        elif template == T.CARE_CANCELLED:
            text = _("Your care order %(what)s of %(when)s is cancelled: no need to go.") % params
        elif template == T.CARE_MISSED:
            text = _("Your care order %(what)s was due by %(when)s and is not marked done. If it is done, mark it; "
                     "if you cannot go, give it back: %(link)s") % params
        elif template == T.TOPIC_DECIDED:
            text = _("The topic you raised, “%(topic)s”, was taken up at “%(meeting)s”: %(outcome)s. What came of "
                     "it: %(link)s") % params
        else:
            raise ValueError(template)
    return sign + text


def queue(phone: str, template: str, params: dict, *, urgent: bool = False) -> SmsMessage:
    """A message for the worker to send, written in the caller's transaction; in the quiet hours it waits
    for their end unless it is IMMEDIATE or `urgent` (it concerns an urgent request)."""
    render(template, params)  # a wrong template or a missing value fails here, not in the worker
    due = None if urgent or template in IMMEDIATE else quiet_until()
    if due is not None and settings.SMS_CONSOLE_SECRETS:  # the demo: say why nothing appears yet
        logger.warning("SMS %s held until %s (quiet hours)", template, timezone.localtime(due).strftime("%H:%M"))
    return SmsMessage.objects.create(phone=phone, template=template, params=params, due_at=due)


class ConsoleBackend:
    """Development and the demo: the message goes to the log (and the server's
    console) with the phone masked, and its code or private link too unless
    SMS_CONSOLE_SECRETS is on (`make run`, `make dev`)."""

    def send(self, phone: str, template: str, params: dict, text: str) -> str:
        shown = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        if not settings.SMS_CONSOLE_SECRETS:
            text = render(template, _without_secrets(template, params))
        # Marked, so that the log filter leaves the link it was allowed to show.
        logger.warning("SMS to %s: %s", shown, text, extra={"secrets_allowed": settings.SMS_CONSOLE_SECRETS})
        return ""


class LocmemBackend:
    """Tests: every message sent is appended to `outbox`."""

    def send(self, phone: str, template: str, params: dict, text: str) -> str:
        outbox.append({"phone": phone, "template": template, "params": dict(params), "text": text})
        return str(len(outbox))


outbox: list[dict] = []


def backend():
    return import_string(settings.SMS_BACKEND)()


def _without_secrets(template: str, params: dict) -> dict:
    secret = SECRET_PARAMS.get(template, set())
    return {k: ("***" if k in secret else v) for k, v in params.items()}


def send_pending(limit: int = 100) -> int:
    """Sends waiting messages; returns how many went out."""
    now = timezone.now()
    waiting = (
        SmsMessage.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, dropped="")
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )
    sender = backend()
    sent = 0
    for pk in list(waiting):
        claim = SmsMessage.objects.filter(pk=pk, sent_at__isnull=True).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        if not claim.update(claimed_at=timezone.now()):
            continue  # another worker has it
        message = SmsMessage.objects.get(pk=pk)
        if message.template not in ALWAYS and opted_out(message.phone):
            SmsMessage.objects.filter(pk=pk).update(
                claimed_at=None, dropped="opted_out", params=_without_secrets(message.template, message.params))
            continue
        try:
            ref = sender.send(message.phone, message.template, message.params,
                              render(message.template, message.params))
        except Exception as exc:  # noqa: BLE001 — the provider's failure is recorded, the message retried
            logger.warning("SMS %s failed: %s", pk, exc)
            attempts = MAX_ATTEMPTS if isinstance(exc, Permanent) else message.attempts + 1
            # The last attempt failed: the code or link will never be sent, so it is not kept.
            params = message.params if attempts < MAX_ATTEMPTS else _without_secrets(message.template, message.params)
            SmsMessage.objects.filter(pk=pk).update(
                claimed_at=None, attempts=attempts, params=params, last_error=str(exc)[:200],
                due_at=timezone.now() + BACKOFF[min(attempts, len(BACKOFF)) - 1])
            continue
        SmsMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=message.attempts + 1,
                                                params=_without_secrets(message.template, message.params),
                                                provider_ref=str(ref or "")[:100], last_error="")
        sent += 1
    return sent
