"""Reports read from a PostgreSQL read replica where one is configured.

With DATABASE_REPLICA_URL set, settings add the database alias `replica` and
this router. Code that only reports — the leaders' dashboard, its exports and
the long export jobs — runs inside `reporting()`; every read there goes to the
replica, every write (an export job's progress, the access log) still to the
primary, and everything outside `reporting()` reads the primary as before: a
person who just acted sees their own action, whatever the replica's lag.
Without a replica `reporting()` changes nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

ALIAS = "replica"
_reporting: ContextVar[bool] = ContextVar("reporting", default=False)


def configured() -> bool:
    return ALIAS in settings.DATABASES


@contextmanager
def reporting():
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reads_replica(view):
    """A view whose reads may come from the replica (GET only: a POST reads what it is about to change)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reporting():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return ALIAS if _reporting.get() and configured() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != ALIAS  # the replica follows the primary's schema by replication
