"""The demo's fund records: filled in by its app's work (issue 14)."""

from __future__ import annotations


def wipe(roots) -> None:
    """Deletes the demo's records under `roots` (the demo tree's roots)."""


def build(demo, rng, today) -> dict[str, int]:
    """Makes the demo's records; returns counts by kind."""
    return {}
