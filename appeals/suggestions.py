"""A proposal of category and handling unit for a request waiting for dispatch
(按责交办, assisted). The routing app makes them and registers itself here at
start-up (routing.apps), so that this base app depends on nothing above it;
without a provider there is no proposal."""

from __future__ import annotations

from collections.abc import Callable

_one: Callable | None = None
_rows: Callable | None = None


def register(one: Callable, rows: Callable | None = None) -> None:
    """one(user, appeal) -> the suggestion as the API shows it (a dict) or None; rows(user, appeals) ->
    {appeal id: a short suggestion for a queue row} (kept ahead, one query for a page)."""
    global _one, _rows
    _one, _rows = one, rows


def for_viewer(user, appeal) -> dict | None:
    return _one(user, appeal) if _one else None


def for_rows(user, appeals) -> dict[int, dict]:
    return _rows(user, appeals) if _rows else {}
