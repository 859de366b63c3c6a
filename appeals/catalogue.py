"""The category tree (and each category's questions) held per process (see hubiying.refdata): every intake
checks the category it names, so that must not cost a query each time."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubiying.refdata import Reference

from .models import Category, Question


@dataclass
class Catalogue:
    by_code: dict[str, Category] = field(default_factory=dict)  # all, each with its parent loaded
    by_id: dict[int, Category] = field(default_factory=dict)
    # The active ones in the order of a filter list: each first-level one, then its children (True).
    filter_order: list[tuple[Category, bool]] = field(default_factory=list)
    children: dict[int, list[int]] = field(default_factory=dict)  # parent id -> child ids (all)
    parents: set[int] = field(default_factory=set)  # ids of categories with active children
    questions: dict[int, list[Question]] = field(default_factory=dict)  # category id -> its active questions

    def leaf(self, code: object) -> tuple[Category | None, bool]:
        """The active category with this code, and whether requests may be filed under it."""
        category = self.by_code.get(code) if isinstance(code, str) else None
        if category is None or not category.active:
            return None, False
        return category, category.pk not in self.parents

    def with_children(self, code: str) -> list[int] | None:
        """The ids a filter by this code covers (a first-level code covers its
        children, active or not: old requests keep their category); None for an unknown code."""
        category = self.by_code.get(code)
        if category is None:
            return None
        return [category.pk, *self.children.get(category.pk, [])]


def _load() -> Catalogue:
    catalogue = Catalogue()
    rows = list(Category.objects.select_related("parent").order_by("order", "code"))
    for category in rows:
        catalogue.by_code[category.code] = category
        catalogue.by_id[category.pk] = category
        if category.parent_id:
            catalogue.children.setdefault(category.parent_id, []).append(category.pk)
            if category.active:
                catalogue.parents.add(category.parent_id)
    for parent in (c for c in rows if c.active and not c.parent_id):
        catalogue.filter_order.append((parent, False))
        catalogue.filter_order += [(c, True) for c in rows if c.active and c.parent_id == parent.pk]
    for question in Question.objects.filter(active=True).order_by("order", "pk"):
        catalogue.questions.setdefault(question.category_id, []).append(question)
    return catalogue


_CATALOGUE = Reference(_load, watch=(Category, Question))


def catalogue() -> Catalogue:
    return _CATALOGUE.get()


def forget() -> None:
    """Read the categories again on next use (a row named one added since)."""
    _CATALOGUE.clear()
