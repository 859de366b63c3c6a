"""Tracking numbers: readable on the phone, unguessable.

HBY-20261201-K7M3QX: the day of submission and six random characters from an
alphabet without look-alikes (no 0/O, 1/I). 32^6 ≈ a billion numbers a day,
so walking a day's numbers finds nothing. Older numbers (HBY-20261125-0042)
stay valid. Residents may type a number in lower case, with spaces,
full-width characters or without the HBY- prefix.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 6
PREFIX = "HBY"
_SHAPE = re.compile(r"^(?:HBY)?-?(\d{8})-?([0-9A-Z]{4,8})$")
# What the URL patterns and the API accept before looking a number up.
SHAPE = r"[A-Za-z0-9-]{1,24}"


def new(now: datetime | None = None) -> str:
    day = timezone.localdate(now or timezone.now())
    tail = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{PREFIX}-{day:%Y%m%d}-{tail}"


def normalise(text: str) -> str:
    """The stored form of what a resident typed, or "" when it cannot be a number."""
    value = unicodedata.normalize("NFKC", text or "").upper()
    value = re.sub(r"[\s_—–]+", "", value)  # spaces and dashes a phone keyboard offers are optional
    match = _SHAPE.match(value)
    if not match:
        return ""
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}"
