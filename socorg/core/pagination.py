"""Pagination whose cost does not grow with the table: the one paginator of list pages and API lists.

Django's Paginator counts every matching row (`SELECT COUNT(*)`) on every request, which on the national data set
(1,000,000 organizations, 3,000,000 members) costs more than the whole page should. BoundedPaginator instead

- takes an exact total from `exact_count` when the caller has a cheap one (the registry takes it from the coverage
  app's maintained per-region counts), else
- counts at most COUNT_CAP + 1 rows (`SELECT COUNT(*) FROM (SELECT … LIMIT 10001)`): exact up to the cap; above it
  the list says "more than 10,000" (`count_is_exact` is False, `count` is the cap) and pages stop at the cap. Nobody
  pages through 10,000 rows by hand; a user who needs a specific record narrows the filters, one who needs all of
  them exports or uses the coverage figures.

So the OFFSET of the deepest page is bounded too (at most COUNT_CAP - page size rows skipped).
"""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000
PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def page_size(request, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size a list page was asked for (`?page_size=`), one of PAGE_SIZES; anything else gives the default."""
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default


class BoundedPaginator(Paginator):
    """A Paginator that counts at most `cap` + 1 rows, unless `exact_count()` gives the total (None = it cannot)."""

    def __init__(self, object_list, per_page, *args, exact_count: Callable[[], int | None] | None = None,
                 cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.exact_count = exact_count
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _bounded_count(self) -> tuple[int, bool]:
        if self.exact_count is not None:
            total = self.exact_count()
            if total is not None:
                return total, True
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list), True
        # Ordering is irrelevant to a count and would make the database sort before LIMIT; only the key is needed.
        found = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        return min(found, self.cap), found <= self.cap

    @cached_property
    def count(self) -> int:
        """The number of rows, or the cap when there are more (then `count_is_exact` is False)."""
        return self._bounded_count[0]

    @cached_property
    def count_is_exact(self) -> bool:
        return self._bounded_count[1]
