"""Pagination that stays cheap on a million rows: the total is counted up to a
limit (an exact COUNT over every visible request costs more than the page
itself), and the pages beyond it are reached by narrowing the filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class CappedPaginator(Paginator):
    count_limit = COUNT_LIMIT

    @cached_property
    def _found(self) -> int:
        if not hasattr(self.object_list, "query"):
            return len(self.object_list)
        # COUNT(*) over a LIMITed subquery: it stops after count_limit + 1 rows.
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.count_limit)

    @property
    def count_exact(self) -> bool:
        """False when more rows match than were counted."""
        return self._found <= self.count_limit
