"""How a resident without an account proves that a request is theirs.

The tracking number alone shows only the public timeline. Acting on the
request (evaluating the reply, withdrawing it) or reading what the resident
wrote takes the request's private token, which only the resident gets: on the
thank-you page, in the SMS sent when a phone was given, and in exchange for a
one-time code sent to the phone on record (notifications.codes). The token is
a keyed hash of the tracking number (nothing to store, nothing to guess).
A resident who lost the number lists their requests by phone and a code.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hubiying import ratelimit, tokens
from notifications import codes

from .errors import Invalid, TooMany
from .models import Appeal

LOOKUP_LIMIT = 50  # requests listed for one phone


def token_for(appeal: Appeal) -> str:
    return tokens.make("hubiying.appeals.resident", appeal.tracking_no)


def token_matches(appeal: Appeal, token) -> bool:
    """A resident may retype the link: case and surrounding spaces do not matter."""
    return isinstance(token, str) and tokens.matches(token_for(appeal), token.strip().lower())


def private_path(appeal: Appeal) -> str:
    return reverse("track_private", args=[appeal.tracking_no, token_for(appeal)])


def private_url(appeal: Appeal) -> str:
    return settings.HUBIYING_SITE_URL.rstrip("/") + private_path(appeal)


def has_phone(appeal: Appeal) -> bool:
    return bool(appeal.contact_phone)


def hotline() -> str:
    return settings.HUBIYING_HOTLINE


def code_refusal(refused: codes.Refused) -> Exception:
    """The refusal of a code, in words a resident can act on."""
    minutes = max(1, (refused.retry_after + 59) // 60)
    if refused.reason == "too_soon":
        return TooMany(_("A code was sent a moment ago. You can ask for another in %(s)d seconds.")
                       % {"s": refused.retry_after}, refused.retry_after, code="code_too_soon")
    if refused.reason == "too_many":
        return TooMany(_("Too many codes were sent for this. Try again in %(m)d minutes, or call the hotline "
                         "%(hotline)s.") % {"m": minutes, "hotline": hotline()}, refused.retry_after)
    if refused.reason == "locked":
        return TooMany(_("Too many wrong codes. Ask for a new code in %(s)d seconds, or call the hotline "
                         "%(hotline)s.") % {"s": refused.retry_after, "hotline": hotline()}, refused.retry_after)
    if refused.reason == "wrong":
        return Invalid(ngettext("That code is not right. You have %(n)d more try.",
                                "That code is not right. You have %(n)d more tries.", refused.tries_left)
                       % {"n": refused.tries_left}, code="wrong_code", field="code")
    return Invalid(_("There is no valid code: ask for a new one (a code is valid for %(m)d minutes).")
                   % {"m": codes.CODE_MINUTES}, code="no_code", field="code")


def send_code(appeal: Appeal) -> None:
    """Sends a one-time code to the phone left with the request."""
    if not has_phone(appeal):
        raise Invalid(_("This request has no phone number to send a code to. Call the hotline %(hotline)s.")
                      % {"hotline": hotline()}, code="no_phone")
    refused = codes.issue(f"appeal:{appeal.pk}", appeal.contact_phone)
    if refused:
        raise code_refusal(refused)


def verify_code(appeal: Appeal, code: str) -> str:
    """The request's private token, for the right one-time code."""
    refused = codes.check(f"appeal:{appeal.pk}", code)
    if refused:
        raise code_refusal(refused)
    return token_for(appeal)


def send_lookup_code(phone: str) -> None:
    """Sends a code to `phone` if any request was left with it. The answers are
    the same either way, now and when a code is typed (the same limits; a phone
    without requests gets a code nobody receives), so that nobody learns
    whose number it is."""
    purpose = codes.purpose_for_phone(phone)
    for scope in ("lookup-phone-minute", "lookup-phone-hour"):
        verdict = ratelimit.hit(scope, purpose)
        if not verdict.allowed:
            raise code_refusal(codes.Refused("too_soon" if scope.endswith("minute") else "too_many",
                                         retry_after=verdict.retry_after))
    known = Appeal.objects.filter(contact_phone=phone).exists()
    codes.issue(purpose, phone if known else None)  # within the limits above, its own never refuse


def lookup(phone: str, code: str) -> list[Appeal]:
    """The requests left with `phone`, newest first, for the right code."""
    refused = codes.check(codes.purpose_for_phone(phone), code)
    if refused:
        raise code_refusal(refused)
    return list(Appeal.objects.filter(contact_phone=phone).select_related("category", "category__parent")
                .order_by("-created_at")[:LOOKUP_LIMIT])
