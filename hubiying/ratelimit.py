"""Per-client rate limits on the public endpoints (tracking, one-time codes,
sign-in), counted in the shared cache in fixed windows.

`hit(scope, client)` counts one use and says whether it is allowed and, if not,
how many seconds remain until it is (the honest `Retry-After`). The limits are
deployment settings (`HUBIYING_RATE_LIMITS`: scope -> (uses, seconds)). With
several application servers the cache must be shared (REDIS_URL), or each
server counts on its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache


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


def _count(key: str, timeout: int) -> int:
    """Add one to the counter at `key` and return it, atomically across
    processes, keeping its expiry. Redis and LocMemCache increment atomically;
    the file cache (the embedded default) reads and writes under a file lock,
    since its generic incr neither locks nor keeps the timeout."""
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        with _file_lock(backend._dir):
            count = (cache.get(key) or 0) + 1
            cache.set(key, count, timeout=timeout)
        return count
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


@contextmanager
def _file_lock(folder: str):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "ratelimit.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def hit(scope: str, ident: str, uses: int | None = None) -> Verdict:
    """One use of `scope` by `ident`; `uses` replaces the scope's number of uses per period."""
    limit, period = settings.HUBIYING_RATE_LIMITS[scope]
    limit = uses if uses is not None else limit
    now = time.time()
    window = int(now // period)
    # The client or account name hashed: any text makes a short, safe cache key.
    key = f"rl:{scope}:{hashlib.sha1(ident.encode('utf-8', 'surrogatepass')).hexdigest()}:{window}"
    count = _count(key, timeout=period + 1)
    if count > limit:
        return Verdict(False, retry_after=max(1, int((window + 1) * period - now + 0.999)))
    return Verdict(True, remaining=limit - count)
