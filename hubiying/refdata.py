"""Small admin-edited tables that hot paths read (time limits, calendar
overrides, categories, the administrative tree), kept per process for a short
time instead of queried each time.

An edit in this process clears the copy at once (the `watch`ed models'
save/delete signals); other processes see it within TTL seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TTL_SECONDS = 60.0
_ALL: list[Reference] = []


class Reference(Generic[T]):
    def __init__(self, loader: Callable[[], T], ttl: float = TTL_SECONDS, watch: Iterable[type | str] = ()):
        self.loader = loader
        self.ttl = ttl
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()
        _ALL.append(self)
        for model in watch:  # a model class or "app_label.ModelName" (connected once the app loads)
            label = model if isinstance(model, str) else model._meta.label
            uid = f"refdata-{loader.__module__}.{loader.__qualname__}-{label}"
            post_save.connect(self.clear, sender=model, weak=False, dispatch_uid=uid + "-save")
            post_delete.connect(self.clear, sender=model, weak=False, dispatch_uid=uid + "-delete")

    def get(self) -> T:
        with self._lock:
            if self._value is None or time.monotonic() - self._loaded_at > self.ttl:
                self._value = self.loader()
                self._loaded_at = time.monotonic()
            return self._value

    def clear(self, *args, **kwargs) -> None:
        with self._lock:
            self._value = None


def clear_all() -> None:
    for ref in _ALL:
        ref.clear()
