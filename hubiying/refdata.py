"""Small admin-edited tables that hot paths read (time limits, calendar
overrides, categories, the administrative tree), kept per process instead of
queried each time.

An edit clears this process's copy at once (the `watch`ed models' save and
delete signals) and, once its transaction commits, bumps the table's
generation in the shared cache; every other process compares its copy's
generation at most once a second and reads the table again when it changed.
So a community moved to another town places the next request right in every
worker, not a minute later. The TTL stays as a backstop for a cache that is
not shared (LocMemCache in one process).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TTL_SECONDS = 60.0
CHECK_SECONDS = 1.0  # how stale another process's edit may be, at most
_ALL: list[Reference] = []


class Reference(Generic[T]):
    def __init__(self, loader: Callable[[], T], ttl: float = TTL_SECONDS, watch: Iterable[type | str] = ()):
        self.loader = loader
        self.ttl = ttl
        self.key = f"refdata:{loader.__module__}.{loader.__qualname__}"
        self._value: T | None = None
        self._generation = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        self._lock = threading.Lock()
        _ALL.append(self)
        for model in watch:  # a model class or "app_label.ModelName" (connected once the app loads)
            label = model if isinstance(model, str) else model._meta.label
            uid = f"{self.key}-{label}"
            post_save.connect(self.changed, sender=model, weak=False, dispatch_uid=uid + "-save")
            post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=uid + "-delete")

    def get(self) -> T:
        with self._lock:
            now = time.monotonic()
            if self._value is not None and now - self._checked_at >= CHECK_SECONDS:
                self._checked_at = now
                if cache.get(self.key) != self._generation:
                    self._value = None  # another process edited the table
            if self._value is None or now - self._loaded_at > self.ttl:
                self._generation = cache.get(self.key)
                self._value = self.loader()
                self._loaded_at = self._checked_at = now
            return self._value

    def clear(self, *args, **kwargs) -> None:
        """Forget this process's copy (it is read again on next use)."""
        with self._lock:
            self._value = None

    def changed(self, *args, **kwargs) -> None:
        """A row was saved or deleted: this process reads the table again, and
        every other one does once the edit is committed."""
        self.clear()
        transaction.on_commit(self._bump, robust=True)

    def _bump(self) -> None:
        # A fresh random generation, never a counter: a counter that expires or
        # is evicted could come back to a value some process still holds.
        cache.set(self.key, secrets.token_hex(8), timeout=None)
        self.clear()


def clear_all() -> None:
    for ref in _ALL:
        ref.clear()
