"""Per-client rate limits on the public endpoints (tracking, one-time codes,
sign-in), counted in the shared cache in fixed windows.

`hit(scope, client)` counts one use and says whether it is allowed and, if not,
how many seconds remain until it is (the honest `Retry-After`). The limits are
deployment settings (`HUBIYING_RATE_LIMITS`: scope -> (uses, seconds)). With
several application servers the cache must be shared (REDIS_URL), or each
server counts on its own.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0
    remaining: int = 0


def client_of(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies in
    front of the servers saw (HUBIYING_PROXY_COUNT of them, X-Forwarded-For)."""
    proxies = settings.HUBIYING_PROXY_COUNT
    if proxies:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, ident: str) -> Verdict:
    limit, period = settings.HUBIYING_RATE_LIMITS[scope]
    now = time.time()
    window = int(now // period)
    # The client or account name hashed: any text makes a short, safe cache key.
    key = f"rl:{scope}:{hashlib.sha1(ident.encode('utf-8', 'surrogatepass')).hexdigest()}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return Verdict(False, retry_after=max(1, int((window + 1) * period - now + 0.999)))
    return Verdict(True, remaining=limit - count)
