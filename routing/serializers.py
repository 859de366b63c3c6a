"""The suggestion as the JSON API shows it (GET /api/v1/appeals/{id}): its shape
is appeals.serializers.SuggestionSerializer; this app provides it (routing.apps
registers `suggestion_for` with appeals.suggestions)."""

from __future__ import annotations

from appeals.serializers import SuggestionSerializer

from .services import Suggestion, may_see_suggestion, propose


def suggestion_for(user, appeal) -> dict | None:
    """The suggestion for a viewer who may dispatch the request now, else None.

    Computed at read time from the process's cached model (about a millisecond
    and a few small queries), so intake is never slowed."""
    if not may_see_suggestion(user, appeal):
        return None
    suggestion: Suggestion | None = propose(appeal)
    return SuggestionSerializer(suggestion).data if suggestion else None
