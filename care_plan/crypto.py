"""The certificate number at rest: encrypted with Fernet, and beside it an HMAC
digest so that the same number is never registered twice and can be looked up
without decrypting every row.

The key is the setting `CARE_PLAN_KEY` (hubiying/settings.py: the environment
variable, else the file var/care_plan_key that `make install` writes once): one or
more Fernet keys separated by commas — the first encrypts, every one decrypts,
so a new key goes in front and the old ones stay until the rows are
re-encrypted. The digest is keyed by the last one, the oldest, so that adding a
key keeps every lookup working. Without it, one key is derived from SECRET_KEY
(then changing SECRET_KEY makes the numbers unreadable: production keeps
CARE_PLAN_KEY). `manage.py check` refuses a key that is not a Fernet key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# 18 characters of the holder's identity number, then the category (1–7) and the grade (1–4).
SHAPE = re.compile(r"\d{17}[\dX][1-7][1-4]")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def normalise(number: str) -> str:
    """What a person typed, without spaces and with a capital X."""
    return re.sub(r"[\s\-]", "", number or "").upper()


def check_char(first17: str) -> str:
    """The identity number's check character (GB 11643, ISO 7064 MOD 11-2)."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def well_formed(number: str) -> bool:
    return bool(SHAPE.fullmatch(number)) and check_char(number[:17]) == number[17]


def _key_material() -> list[bytes]:
    configured = getattr(settings, "CARE_PLAN_KEY", "")
    keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
    if keys:
        return keys
    derived = hashlib.sha256(b"hubiying.care_plan.certificate:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


@lru_cache(maxsize=4)
def _fernet(material: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in material])


def bad_keys() -> list[int]:
    """The positions (1-based) of the configured keys that are not Fernet keys."""
    bad = []
    for i, key in enumerate(_key_material(), 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(i)
    return bad


def _box() -> MultiFernet:
    return _fernet(tuple(_key_material()))


def encrypt(number: str) -> str:
    return _box().encrypt(number.encode()).decode() if number else ""


def decrypt(token: str) -> str:
    """The number, or "" when there is none (or it cannot be read with the keys given)."""
    if not token:
        return ""
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def digest(number: str) -> str:
    if not number:
        return ""
    key = hashlib.sha256(b"hubiying.care_plan.digest:" + _key_material()[-1]).digest()
    return hmac.new(key, normalise(number).encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """The first three and the last four characters (its category and grade among them)."""
    if not number:
        return ""
    return number[:3] + "*" * max(len(number) - 7, 1) + number[-4:]
