"""What routing offers the rest of the platform: a suggestion for a request
(`propose`), the dispatcher's answer to it (`correct`), and who may see either
(`may_see_suggestion`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from appeals import access
from appeals.errors import Forbidden, NotFound, WrongState
from appeals.models import Appeal, Category
from appeals.workflow import guard
from organisations.access import scopes_of
from organisations.models import Node, Role, Unit

from . import classifier
from .models import Correction, Rule, ancestor_paths

RULE = "rule"
MODEL = "model"


@dataclass(frozen=True)
class Suggestion:
    category: Category
    unit: Unit | None
    co_units: list[Unit] = field(default_factory=list)
    confidence: float = 1.0
    words: list[str] = field(default_factory=list)
    source: str = RULE  # RULE: a routing rule for the category given; MODEL: the classifier's


def propose(appeal: Appeal | None = None, *, title: str = "", description: str = "", node: Node | None = None,
            category: Category | None = None) -> Suggestion | None:
    """A category and a handling unit for a request, or None when there is
    neither a rule nor a model.

    1. A category is known and an active rule holds for it at the request's
       place: the rule's units, confidence 1.
    2. Otherwise the classifier reads title and description and proposes a
       category, with its confidence and the words that drove it.
    3. The unit for the proposed category: a rule if one holds there, else the
       unit most often given that category in the nearest area of the
       dispatch history (the request's place, then each ancestor)."""
    if appeal is not None:
        title, description, node, category = appeal.title, appeal.description, appeal.node, appeal.category
    path = node.path if node is not None else ""
    if category is not None:
        rules = Rule.objects.matching(category, path)
        if rules:
            return _from_rule(rules[0], category)
    model = classifier.load()
    if model is None:
        return None
    prediction = model.predict(title, description)
    proposed = Category.objects.filter(code=prediction.label, active=True).first()
    if proposed is None:  # the category was removed since training
        return None
    rules = Rule.objects.matching(proposed, path)
    unit, co_units = (rules[0].unit, list(rules[0].co_units.filter(active=True))) if rules else \
        (usual_unit(proposed, path), [])
    return Suggestion(proposed, unit, co_units, prediction.confidence, prediction.words, MODEL)


def _from_rule(rule: Rule, category: Category) -> Suggestion:
    return Suggestion(category, rule.unit, list(rule.co_units.filter(active=True)), 1.0, [], RULE)


def usual_unit(category: Category, path: str) -> Unit | None:
    """The active unit most often leading requests of `category` in the
    narrowest area around `path` that has any."""
    for prefix in reversed(ancestor_paths(path)):
        top = (
            Appeal.objects.filter(category=category, node_path__startswith=prefix, unit__active=True)
            .values("unit").annotate(n=Count("pk")).order_by("-n", "unit")[:1]
        )
        if top:
            return Unit.objects.get(pk=top[0]["unit"])
    return None


def may_see_suggestion(user, appeal: Appeal) -> bool:
    """Those who may dispatch it now: its dispatcher in scope (or an
    administrator), while dispatch is one of its next actions."""
    try:
        guard(appeal, user, "dispatch")
    except (Forbidden, WrongState):
        return False
    return True


@transaction.atomic
def correct(appeal: Appeal, *, actor, category: Category, unit: Unit | None = None,
            suggestion: Suggestion | None = None) -> Correction:
    """Record that `category` (and `unit`) is right for `appeal`: the next
    training reads it as the label. `suggestion` is what was proposed (computed
    now when not given)."""
    if not access.holds_role(appeal, scopes_of(actor), Role.Name.DISPATCHER, actor):
        if access.visible_appeals(actor).filter(pk=appeal.pk).exists():
            raise Forbidden(_("Only the request's dispatcher can correct its routing."), code="forbidden")
        raise NotFound(_("No such request."))
    if suggestion is None:
        suggestion = propose(appeal)
    return Correction.objects.create(
        appeal=appeal, category=category, unit=unit, actor=actor,
        proposed_category=suggestion.category if suggestion else None,
        proposed_unit=suggestion.unit if suggestion else None,
        source=suggestion.source if suggestion else "",
    )
