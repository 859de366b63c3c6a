"""A resident without an account proves a request is theirs by the last four
digits of the phone they gave with it (to evaluate the reply or withdraw the
request, on the pages and through the API alike). Ten thousand combinations
are few, so wrong tries are counted per request, whatever the action and the
channel, in the database (every worker sees the same count): after MAX_TRIES
the request is locked for the rest of the hour that began with the first
wrong try."""

from __future__ import annotations

import hmac
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Appeal, PhoneTries

MAX_TRIES = 5
WINDOW = timedelta(hours=1)


def has_phone(appeal: Appeal) -> bool:
    return len(re.sub(r"\D", "", appeal.contact_phone or "")) >= 4


def _current(appeal: Appeal) -> PhoneTries | None:
    return PhoneTries.objects.filter(appeal_id=appeal.pk, since__gt=timezone.now() - WINDOW).first()


def locked(appeal: Appeal) -> bool:
    tries = _current(appeal)
    return tries is not None and tries.wrong >= MAX_TRIES


def retry_after(appeal: Appeal) -> int:
    """Seconds until a locked request takes tries again."""
    tries = _current(appeal)
    if tries is None:
        return 0
    return max(1, int((tries.since + WINDOW - timezone.now()).total_seconds()))


def matches(appeal: Appeal, digits: str) -> bool:
    """Whether `digits` are the last four of the phone; a wrong guess is counted."""
    phone = re.sub(r"\D", "", appeal.contact_phone or "")
    if len(phone) >= 4 and hmac.compare_digest(phone[-4:], digits or ""):
        return True
    now = timezone.now()
    rows = PhoneTries.objects.filter(appeal_id=appeal.pk)
    if not rows.filter(since__gt=now - WINDOW).update(wrong=F("wrong") + 1):
        # The first wrong try of a new hour (an older row starts over).
        if not rows.update(wrong=1, since=now):
            try:
                with transaction.atomic():
                    PhoneTries.objects.create(appeal_id=appeal.pk, wrong=1, since=now)
            except IntegrityError:  # another request made the row first: count on it
                rows.update(wrong=F("wrong") + 1)
    return False
