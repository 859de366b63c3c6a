"""`/healthz`: is this server able to serve? For a load balancer, a process
supervisor or a person on call.

Answered by the first middleware, before the host check, the HTTPS redirect,
sessions and the rest: a balancer probes by IP over plain HTTP, and a health
check must not need a session table to say the session table is down. It reads
nothing personal and writes nothing: `SELECT 1` on every configured database,
and a PING to Redis where one is configured: the shared cache (REDIS_URL) and
Celery's broker (CELERY_BROKER_URL).
200 when everything answers, 503 with the failing part otherwise.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger("hubiying.health")
PATH = "/healthz"
TIMEOUT = 2  # seconds for Redis to answer


def check_databases() -> dict[str, str]:
    found = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            found[alias] = "ok"
        except Exception as error:  # noqa: BLE001 — any failure means this database cannot serve
            logger.error("health: database %s: %s", alias, error)
            found[alias] = "error"
    return found


def check_redis(url: str) -> str:
    if not url:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT).ping()
        return "ok"
    except redis.RedisError as error:
        logger.error("health: redis %s: %s", url.rsplit("@", 1)[-1], error)
        return "error"


def report() -> tuple[bool, dict]:
    databases = check_databases()
    cache = check_redis(getattr(settings, "REDIS_URL", ""))
    broker = check_redis(getattr(settings, "CELERY_BROKER_URL", ""))
    healthy = all(v == "ok" for v in databases.values()) and "error" not in (cache, broker)
    return healthy, {"status": "ok" if healthy else "error", "database": databases, "cache": cache, "broker": broker}


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"status": "error", "detail": "GET only"}, status=405, headers={"Allow": "GET, HEAD"})
        healthy, body = report()
        return JsonResponse(body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
