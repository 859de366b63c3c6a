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


def page_answer(request, items, page: int, size: int, row) -> dict:
    """A page of `items` (a queryset or a sequence) as an API answer,
    {count, next, previous, results} with `row` applied to each; a page past
    the last answers with no results and a link back."""
    paginator = Paginator(items, size)
    number = min(page, max(paginator.num_pages, 1))
    beyond = page != number
    current = paginator.page(number)
    base = request.build_absolute_uri(request.path)

    def link(n: int) -> str:
        query = request.query_params.copy()
        query["page"] = n
        return f"{base}?{query.urlencode()}"

    return {
        "count": paginator.count,
        "next": link(number + 1) if current.has_next() and not beyond else None,
        "previous": link(number - 1) if paginator.count and number > 1 else None,
        "results": [] if beyond else [row(item) for item in current.object_list],
    }
