"""The suggestions of the requests waiting for dispatch, made ahead by the
worker and kept (`Proposal`): the dispatcher's queue shows them for a page of
rows with one query, and intake never waits for the classifier. The request
page computes its own, fresh (routing.serializers)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from appeals.models import Appeal, Status

from . import classifier
from .models import Proposal, Rule
from .services import propose

WAITING = (Status.SUBMITTED, Status.REGISTERED, Status.RETURNED, Status.REOPENED)
BATCH = 200  # requests proposed for per worker pass


def make_pending(limit: int = BATCH) -> int:
    """Proposes for the requests waiting for dispatch that have no proposal yet; returns how many were made."""
    waiting = (Appeal.objects.filter(status__in=WAITING)
               .exclude(Exists(Proposal.objects.filter(appeal=OuterRef("pk")))))
    if classifier.load() is None:
        # Only a rule can propose: the requests of other categories would be tried again every pass.
        waiting = waiting.filter(category__in=Rule.objects.filter(active=True).values("category"))
    waiting = waiting.select_related("category", "node").order_by("created_at")[:limit]
    made = []
    for appeal in waiting:
        suggestion = propose(appeal)
        if suggestion is None:
            continue
        made.append(Proposal(appeal=appeal, category=suggestion.category, unit=suggestion.unit,
                             co_unit_ids=[u.pk for u in suggestion.co_units], confidence=suggestion.confidence,
                             words=list(suggestion.words)[:8], source=suggestion.source))
    Proposal.objects.bulk_create(made, ignore_conflicts=True)  # two workers at once: the first one stays
    return len(made)


def for_rows(user, appeals) -> dict[int, dict]:
    """The kept proposals of a queue page's rows, for a viewer who may dispatch them (one query)."""
    from organisations.access import scopes_of
    from organisations.models import Role

    if not scopes_of(user).has(Role.Name.DISPATCHER):
        return {}
    ids = [a.pk for a in appeals if a.status in WAITING]
    if not ids:
        return {}
    filed = {a.pk: a.category_id for a in appeals}
    found = {}
    for p in Proposal.objects.filter(appeal_id__in=ids).select_related("category", "unit"):
        found[p.appeal_id] = {"category": p.category.name, "category_code": p.category.code,
                              "other_category": p.category_id != filed[p.appeal_id],
                              "unit": p.unit.name if p.unit else "", "confidence": round(p.confidence * 100),
                              "source": p.source}
    return found
