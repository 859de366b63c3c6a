"""One-time codes: proof that whoever types the code holds a phone.

A code is issued for a purpose (a request: "appeal:42"; everything sent to a
phone: "phone:<digest>"), sent by SMS through the outbox, kept only as a keyed
hash, valid for CODE_MINUTES and used once. Each purpose gets at most one code
a minute and MAX_PER_HOUR an hour; a code takes MAX_WRONG wrong tries, then
a new one must be asked for. Every refusal says when to try again.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import sms
from .models import OneTimeCode, SmsMessage

CODE_MINUTES = 10
RESEND_AFTER = timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_WRONG = 5


@dataclass(frozen=True)
class Refused:
    """Why a code was not sent or not accepted."""

    reason: str  # "too_soon", "too_many", "no_code", "wrong", "locked"
    retry_after: int = 0  # seconds
    tries_left: int = 0


def purpose_for_phone(phone: str) -> str:
    """A purpose naming a phone without storing the number in clear."""
    digest = salted_hmac("hubiying.codes.phone", phone, algorithm="sha256").hexdigest()[:40]
    return f"phone:{digest}"


def _hash(purpose: str, code: str) -> str:
    return salted_hmac("hubiying.codes.code", f"{purpose}:{code}", algorithm="sha256").hexdigest()


def issue(purpose: str, phone: str | None) -> Refused | None:
    """Sends a new code to `phone` for `purpose`, unless one was sent too
    recently or too often (the refusal says when to ask again). Without a phone
    the code is made and sent to nobody: it answers a guess like a real one."""
    now = timezone.now()
    with transaction.atomic():
        _lock(purpose)
        recent = list(
            OneTimeCode.objects.select_for_update().filter(purpose=purpose, created_at__gt=now - timedelta(hours=1))
            .order_by("-created_at").values_list("created_at", flat=True)
        )
        if recent and now - recent[0] < RESEND_AFTER:
            return Refused("too_soon", retry_after=_seconds(recent[0] + RESEND_AFTER - now))
        if len(recent) >= MAX_PER_HOUR:
            return Refused("too_many", retry_after=_seconds(recent[-1] + timedelta(hours=1) - now))
        code = f"{secrets.randbelow(10**6):06d}"
        OneTimeCode.objects.create(purpose=purpose, code_hash=_hash(purpose, code), created_at=now,
                                   expires_at=now + timedelta(minutes=CODE_MINUTES))
        if phone:
            sms.queue(phone, SmsMessage.Template.ONE_TIME_CODE, {"code": code, "minutes": CODE_MINUTES})
    return None


def _lock(purpose: str) -> None:
    """One issuer at a time per purpose: two requests at once must not both pass the
    limits (row locks cannot cover the rows not there yet). SQLite's writers queue
    anyway (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [purpose])


def check(purpose: str, code: str) -> Refused | None:
    """Accepts the latest unexpired code for `purpose` once; a wrong code counts."""
    now = timezone.now()
    with transaction.atomic():
        current = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first()
        )
        if current is None:
            return Refused("no_code")
        if current.wrong >= MAX_WRONG:
            return Refused("locked", retry_after=_seconds(current.created_at + RESEND_AFTER - now))
        if hmac.compare_digest(current.code_hash, _hash(purpose, normalise(code))):
            OneTimeCode.objects.filter(pk=current.pk).update(used_at=now)
            return None
        OneTimeCode.objects.filter(pk=current.pk).update(wrong=F("wrong") + 1)
        left = MAX_WRONG - current.wrong - 1
        if left <= 0:
            return Refused("locked", retry_after=_seconds(current.created_at + RESEND_AFTER - now))
        return Refused("wrong", tries_left=left)


def normalise(code) -> str:
    """A code as typed: full-width digits (a Chinese keyboard's) and spaces allowed."""
    return unicodedata.normalize("NFKC", code if isinstance(code, str) else "").replace(" ", "").strip()


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))
