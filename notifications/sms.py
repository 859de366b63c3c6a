"""Text messages to residents' phones, behind one small interface.

`queue()` writes an SmsMessage in the caller's transaction; the worker
(`send_pending`, run by `manage.py run_worker` and `run_timers`) claims each
with a conditional UPDATE, hands it to the configured backend and records the
answer, so that a message is sent once even with several workers and is
retried when the provider fails. The backend is a deployment setting,
`SMS_BACKEND`: the console backend (development, the demo) writes each
message to the log; `LocmemBackend` keeps them in `outbox` for tests; a real
provider's backend implements `send()` the same way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import SmsMessage

logger = logging.getLogger("hubiying.sms")
T = SmsMessage.Template

# Template -> the values that must not outlive the sending.
SECRET_PARAMS = {
    T.APPEAL_RECEIVED: {"link"},
    T.APPEAL_REPLIED: {"link"},
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
CLAIM_TIMEOUT = timedelta(minutes=5)  # a worker that died while sending gives the message back


def render(template: str, params: dict) -> str:
    """The message text, in the platform's language (residents read Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        sign = _("[Hubiying]")
        if template == T.APPEAL_RECEIVED:
            text = _("Your request %(no)s is received. Follow it, evaluate the reply or withdraw it here "
                     "(keep this link to yourself): %(link)s") % params
        elif template == T.APPEAL_REPLIED:
            text = _("Your request %(no)s has a reply. Read it and tell us if you are satisfied: %(link)s") % params
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


def queue(phone: str, template: str, params: dict) -> SmsMessage:
    """A message for the worker to send, written in the caller's transaction."""
    render(template, params)  # a wrong template or a missing value fails here, not in the worker
    return SmsMessage.objects.create(phone=phone, template=template, params=params)


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
        SmsMessage.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )
    sender = backend()
    sent = 0
    for pk in list(waiting):
        claim = SmsMessage.objects.filter(pk=pk, sent_at__isnull=True).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        if not claim.update(claimed_at=timezone.now()):
            continue  # another worker has it
        message = SmsMessage.objects.get(pk=pk)
        try:
            ref = sender.send(message.phone, message.template, message.params,
                              render(message.template, message.params))
        except Exception as exc:  # noqa: BLE001 — the provider's failure is recorded, the message retried
            logger.warning("SMS %s failed: %s", pk, exc)
            attempts = message.attempts + 1
            # The last attempt failed: the code or link will never be sent, so it is not kept.
            params = message.params if attempts < MAX_ATTEMPTS else _without_secrets(message.template, message.params)
            SmsMessage.objects.filter(pk=pk).update(
                claimed_at=None, attempts=attempts, params=params, last_error=str(exc)[:200])
            continue
        SmsMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=message.attempts + 1,
                                                params=_without_secrets(message.template, message.params),
                                                provider_ref=str(ref or "")[:100], last_error="")
        sent += 1
    return sent
