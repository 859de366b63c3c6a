"""A resident without an account proves a request is theirs by the last four
digits of the phone they gave with it (to evaluate the reply or withdraw the
request, on the pages and through the API alike). Ten thousand combinations
are few, so wrong tries are counted per request, whatever the action and the
channel: after MAX_TRIES the request is locked for the rest of the hour that
began with the first wrong try."""

from __future__ import annotations

import hmac
import re
import time

from django.core.cache import cache

from .models import Appeal

MAX_TRIES = 5
WINDOW = 3600  # seconds


def _keys(appeal: Appeal) -> tuple[str, str]:
    return f"hby:phone-tries:{appeal.pk}", f"hby:phone-tries-until:{appeal.pk}"


def has_phone(appeal: Appeal) -> bool:
    return len(re.sub(r"\D", "", appeal.contact_phone or "")) >= 4


def locked(appeal: Appeal) -> bool:
    return (cache.get(_keys(appeal)[0]) or 0) >= MAX_TRIES


def retry_after(appeal: Appeal) -> int:
    """Seconds until a locked request takes tries again."""
    until = cache.get(_keys(appeal)[1])
    return max(1, int(until - time.time())) if until else WINDOW


def matches(appeal: Appeal, digits: str) -> bool:
    """Whether `digits` are the last four of the phone; a wrong guess is counted."""
    phone = re.sub(r"\D", "", appeal.contact_phone or "")
    if len(phone) >= 4 and hmac.compare_digest(phone[-4:], digits or ""):
        return True
    count, until = _keys(appeal)
    cache.add(until, time.time() + WINDOW, WINDOW)
    if not cache.add(count, 1, WINDOW):
        try:
            cache.incr(count)  # atomic where the cache is shared (Redis, memcached)
        except ValueError:  # expired in between
            cache.set(count, 1, WINDOW)
    return False
