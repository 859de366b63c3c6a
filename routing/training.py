"""The platform's own dispatch history as training data.

A request is a labelled example once a dispatcher has dispatched it (the
dispatch event is the dispatcher's acceptance of its category), or once someone
recorded a Correction for it; the latest correction's category wins over the
request's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from appeals.models import Appeal, AppealEvent, Category

from .models import Correction


@dataclass(frozen=True)
class Example:
    appeal_id: int
    title: str
    description: str
    label: str  # Category.code


def examples() -> list[Example]:
    corrected: dict[int, str] = {}
    for appeal_id, code in Correction.objects.order_by("at", "pk").values_list("appeal_id", "category__code"):
        corrected[appeal_id] = code  # the latest one stays
    dispatched = AppealEvent.objects.filter(action="dispatch").values("appeal_id")
    rows = (
        Appeal.objects.filter(Q(pk__in=dispatched) | Q(pk__in=Correction.objects.values("appeal_id")))
        .order_by("pk").values_list("pk", "title", "description", "category__code")
    )
    return [Example(pk, title, description, corrected.get(pk, code)) for pk, title, description, code in rows]


def unlabelled(limit: int = 5000) -> list[tuple[str, str]]:
    """The newest requests that are not examples (still waiting, or never
    dispatched): their text teaches the classifier the words residents use now
    (self-training), their category is not read."""
    labelled = AppealEvent.objects.filter(action="dispatch").values("appeal_id")
    return list(
        Appeal.objects.exclude(pk__in=labelled).exclude(pk__in=Correction.objects.values("appeal_id"))
        .order_by("-created_at", "-pk").values_list("title", "description")[:limit]
    )


def category_names(codes) -> list[tuple[str, str, str]]:
    """Each category's own name (with its parent's) as one more example of it:
    worth +0.4 point of accuracy on the citizen-messages set with its label tree (README)."""
    rows = Category.objects.filter(code__in=list(codes)).select_related("parent")
    return [(f"{c.parent.name} {c.name}" if c.parent_id else c.name, "", c.code) for c in rows]
