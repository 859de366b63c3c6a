"""A proposal of category and handling unit for a request waiting for dispatch
(按责交办, assisted). The routing app makes them and registers itself here at
start-up (routing.apps), so that this base app depends on nothing above it;
without a provider there is no proposal."""

from __future__ import annotations

from collections.abc import Callable

_provider: Callable | None = None


def register(provider: Callable) -> None:
    """provider(user, appeal) -> the suggestion as the API shows it (a dict), or None."""
    global _provider
    _provider = provider


def for_viewer(user, appeal) -> dict | None:
    return _provider(user, appeal) if _provider else None
