"""Keeps residents' secrets out of the logs.

The private link of a request (/track/<number>/<token>/) and the token in
API bodies are as good as the resident's word (as a new staff member's
first-login link is as good as their password), and Django logs the paths of
refused requests ("Not Found: /track/..."). This filter, on every handler,
replaces such tokens with *** before a record is written (except a record
marked `secrets_allowed`: the console SMS backend of the demo).
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    re.compile(r"(/track/[^/\s]+/)[A-Za-z2-7]{24}(?![A-Za-z0-9])"),
    re.compile(r"""(token["']?\s*[:=]\s*["']?)[A-Za-z2-7]{24}(?![A-Za-z0-9])""", re.IGNORECASE),
    # A new staff member's first-login link (county_setup.welcome: Django's password-reset token).
    re.compile(r"(/work/setup/welcome/[^/\s]+/)[0-9a-z]{1,13}-[0-9a-f]{20,64}"),
)


def mask(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "secrets_allowed", False):
            return True  # the demo's console text messages, shown on purpose
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
