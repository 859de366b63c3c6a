"""API keys: random, shown once, stored as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiClient


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(24)


def issue(client: ApiClient, key: str | None = None) -> str:
    """Gives `client` a new key (the old one stops working) and returns it: the
    only time anyone sees it. Saves the client."""
    key = key or new_key()
    client.key_hash = digest(key)
    client.save()
    return key


def known(key: str | None) -> ApiClient | None:
    """The active client of `key`, nothing written (reads must not write); None for
    a missing, wrong or revoked key."""
    if not key or len(key) > 200:
        return None
    return ApiClient.objects.filter(key_hash=digest(key), active=True).first()


def check(key: str | None) -> ApiClient | None:
    """The active client of `key`, its use recorded; None for a missing, wrong
    or revoked key. Called by the writing endpoints."""
    client = known(key)
    if client is not None:
        now = timezone.now()
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
