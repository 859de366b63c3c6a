from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Category
from organisations.models import Node, Unit


class RuleQuerySet(models.QuerySet):
    def active(self) -> RuleQuerySet:
        return self.filter(active=True, unit__active=True)

    def matching(self, category: Category, node_path: str) -> list[Rule]:
        """Active rules for `category` whose area (and compound, where set) holds the
        place at `node_path`, the one to follow first: lowest order, then the
        narrowest place."""
        ancestors = ancestor_paths(node_path)
        rules = (
            self.active().filter(category=category)
            .filter(models.Q(area__isnull=True) | models.Q(area__path__in=ancestors))
            .filter(models.Q(compound__isnull=True) | models.Q(compound__path__in=ancestors))
            .select_related("area", "compound", "unit")
        )
        return sorted(rules, key=lambda r: (r.order, -len(r.place_path()), r.pk))


def ancestor_paths(path: str) -> list[str]:
    """'/A/B/C/' → ['/A/', '/A/B/', '/A/B/C/']: the nodes whose subtree holds the place."""
    out, prefix = [], "/"
    for code in path.strip("/").split("/"):
        if code:
            prefix += code + "/"
            out.append(prefix)
    return out


class Rule(models.Model):
    """按责交办 as the county writes it down: requests of this category, in this
    area (and compound), go to this lead unit with these co-units."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    area = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("area"),
        help_text=_("The rule holds in this node's whole subtree; empty: everywhere."),
    )
    compound = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("compound"),
        limit_choices_to={"kind": Node.Kind.COMPOUND},
        help_text=_("Optional: only requests placed in this compound."),
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("lead unit"))
    co_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("co-units"))
    order = models.PositiveIntegerField(
        _("order"), default=100,
        help_text=_("Lower first. Among rules of the same order, the most specific place wins."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.category} → {self.unit}"

    def clean(self) -> None:
        if self.compound_id and self.compound.kind != Node.Kind.COMPOUND:
            raise ValidationError({"compound": _("Choose a compound.")})
        if self.compound_id and self.area_id and not self.compound.path.startswith(self.area.path):
            raise ValidationError({"compound": _("The compound must lie in the area.")})

    def place_path(self) -> str:
        """The narrowest path the rule names ('' for everywhere)."""
        if self.compound_id:
            return self.compound.path
        return self.area.path if self.area_id else ""



class Correction(models.Model):
    """A dispatcher's answer to a suggestion: the category (and unit) that was
    right. Training reads it before the request's own category."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("handling unit"))
    proposed_category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("proposed category"))
    proposed_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("proposed unit"))
    source = models.CharField(_("source of the proposal"), max_length=8, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.proposed_category} → {self.category}"


class Proposal(models.Model):
    """The suggestion for a request waiting for dispatch, made once by the worker
    (routing.proposals) so that a queue of them reads it with one query and intake
    never waits for the classifier."""

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, primary_key=True, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    co_unit_ids = models.JSONField(default=list, blank=True)
    confidence = models.FloatField()
    words = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=8)
    made_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.category_id} → {self.unit_id} ({self.confidence:.2f})"
