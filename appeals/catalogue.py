"""The category tree held per process (see hubiying.refdata): every intake
checks the category it names, so that must not cost a query each time."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubiying.refdata import Reference

from .models import Category


@dataclass
class Catalogue:
    active: dict[str, Category] = field(default_factory=dict)  # by code, each with its parent loaded
    parents: set[int] = field(default_factory=set)  # ids of categories with active children

    def leaf(self, code: object) -> tuple[Category | None, bool]:
        """The active category with this code, and whether requests may be filed under it."""
        category = self.active.get(code) if isinstance(code, str) else None
        return category, category is not None and category.pk not in self.parents


def _load() -> Catalogue:
    catalogue = Catalogue()
    for category in Category.objects.filter(active=True).select_related("parent"):
        catalogue.active[category.code] = category
        if category.parent_id:
            catalogue.parents.add(category.parent_id)
    return catalogue


_CATALOGUE = Reference(_load, watch=(Category,))


def catalogue() -> Catalogue:
    return _CATALOGUE.get()
