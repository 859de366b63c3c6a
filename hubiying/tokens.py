"""Private links without stored secrets: a keyed hash of what the link names
(a request's number, a sign-up, a volunteer, a care order), 24 characters of
base32. Each use has its own salt, so that one link never opens another's page."""

from __future__ import annotations

import base64
import hmac
import re

from django.utils.crypto import salted_hmac

SHAPE = re.compile(r"[a-z2-7]{24}")


def make(salt: str, value: str) -> str:
    digest = salted_hmac(salt, value, algorithm="sha256").digest()
    return base64.b32encode(digest[:15]).decode().lower()


def matches(expected: str, token) -> bool:
    """Whether `token` (anything a URL or a request body gave) is `expected`."""
    if not isinstance(token, str) or not SHAPE.fullmatch(token):
        return False  # the shape first: compare_digest takes ASCII only
    return hmac.compare_digest(expected, token)
