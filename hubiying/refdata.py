"""Small admin-edited tables that every action reads (time limits, calendar
overrides), kept per process for a short time instead of queried each time.

An edit in this process clears the copy at once (signals); other processes
see it within TTL seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
TTL_SECONDS = 60.0
_ALL: list[Reference] = []


class Reference(Generic[T]):
    def __init__(self, loader: Callable[[], T], ttl: float = TTL_SECONDS):
        self.loader = loader
        self.ttl = ttl
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()
        _ALL.append(self)

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
