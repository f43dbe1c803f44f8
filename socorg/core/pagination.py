"""Pagination whose cost does not grow with the table: the one paginator of list pages and API lists.

Django's Paginator counts every matching row (`SELECT COUNT(*)`) on every request, which on the national data set
(1,000,000 organizations, 3,000,000 members) costs more than the whole page should. BoundedPaginator instead

- takes an exact total from `exact_count` when the caller has a cheap one (the registry takes it from the coverage
  app's maintained per-region counts), else
- counts at most `cap` + 1 rows (`SELECT COUNT(*) FROM (SELECT … LIMIT 10001)`, COUNT_CAP by default): exact up to
  the cap; above it the list says "more than 10,000" (`count_is_exact` is False, `count` is the cap).

Numbered pages reach only the first `cap` rows, whether the count is exact or not (`num_pages` stops there), so the
OFFSET of the deepest page is bounded too (at most cap - page size rows skipped): an exact total of a million
organizations does not make page 20,000 an OFFSET of 999,950.

`list_page()` is what a list page calls: numbered pages (first / previous / n of N / next / last, jump to a page)
while the list is small (at most NUMBERED_PAGES pages, counted exactly), and otherwise keyset pages
(socorg.core.keyset): first / previous / next links carrying a `cursor`, which cost the same at any depth and reach
every row. Its count stops at NUMBERED_PAGES pages (`SELECT COUNT(*) … LIMIT 1001` for pages of 50): all a page
needs to choose between the two, and a few milliseconds in any scope, where counting to 10,000 members of a
province cost tens (benchmarks/README.md, lists). An address with `?page=N` keeps working in both cases, within
those pages.
"""

from collections.abc import Callable
from functools import cached_property
from math import ceil

from django.core.paginator import Paginator
from django.db.models import QuerySet

from .keyset import CURSOR_PARAM, CursorError, Keyset
from .search import known_count, known_minimum

COUNT_CAP = 10_000
PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# Lists of at most this many pages (counted exactly) show page numbers; longer ones page by cursor.
NUMBERED_PAGES = 20


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
        known = known_count(self.object_list)  # a search's probe found every match (core.search.narrowed)
        if known is not None:
            return min(known, self.cap), known <= self.cap
        least = known_minimum(self.object_list)  # or more matches in the list than this count goes
        if least is not None and least > self.cap:
            return self.cap, False
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

    @cached_property
    def num_pages(self) -> int:
        """The pages numbered pages can reach: those of the first `cap` rows of a queryset, even when the count is
        exact (a list in memory costs nothing to slice)."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        reach = min(self.count, self.cap) if isinstance(self.object_list, QuerySet) else self.count
        hits = max(1, reach - self.orphans)
        return ceil(hits / self.per_page)



def _query(request, cursor: str | None = None, page: int | None = None) -> str:
    """The list's query string (its filters and order) with `cursor` or `page` set and the other removed."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(CURSOR_PARAM, None)
    if cursor is not None:
        query[CURSOR_PARAM] = cursor
    if page is not None and page > 1:
        query["page"] = str(page)
    return query.urlencode()


class ListPage:
    """One keyset page of a list page (list_page()): its rows, the count for "N records", and the links around it
    as query strings that keep the list's filters and order. Templates tell it from a numbered django Page by
    `numbered` (False here)."""

    numbered = False

    def __init__(self, request, rows, paginator, *, next_query: str | None, previous_query: str | None,
                 cursor_error: str = ""):
        self.object_list = rows
        self.paginator = paginator
        self.next_query = next_query
        self.previous_query = previous_query
        self.first_query = _query(request)
        self.cursor_error = cursor_error

    def has_next(self) -> bool:
        return self.next_query is not None

    def has_previous(self) -> bool:
        return self.previous_query is not None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def list_page(request, queryset, per_page: int, *, exact_count: Callable[[], int | None] | None = None):
    """The page of `queryset` a list page shows: a numbered django Page (`numbered` True) while the list is small,
    a ListPage whose next / previous links carry keyset cursors otherwise (see the module docstring). A damaged or
    outdated cursor shows the first page with `cursor_error` (the template says why)."""
    keyset = Keyset.of(queryset)
    if keyset is not None:
        queryset = keyset.ordered(queryset)
    # A list a cursor cannot page keeps numbered pages up to the usual cap; the others count only as far as the
    # numbered pages go.
    cap = None if keyset is None else NUMBERED_PAGES * per_page
    paginator = BoundedPaginator(queryset, per_page, exact_count=exact_count, cap=cap)
    cursor = request.GET.get(CURSOR_PARAM)
    small = paginator.count_is_exact and paginator.count <= NUMBERED_PAGES * per_page
    if keyset is None or (cursor is None and small):
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        page.numbered = True
        return page
    if cursor is not None:
        error = ""
        try:
            found = keyset.page(cursor, per_page)
        except CursorError as refused:
            error, found = str(refused), keyset.page(None, per_page)
        next_cursor, previous_cursor = found.next_cursor, found.previous_cursor
        return ListPage(request, found.object_list, paginator,
                        next_query=_query(request, cursor=next_cursor) if next_cursor else None,
                        previous_query=_query(request, cursor=previous_cursor) if previous_cursor else None,
                        cursor_error=error)
    page = paginator.get_page(request.GET.get("page"))  # the first page, or an address with ?page=N (bounded)
    rows = list(page.object_list)
    # Rows follow this page when the count goes beyond it, or beyond the cap it stops at.
    more = bool(rows) and (page.number * per_page < paginator.count or not paginator.count_is_exact)
    return ListPage(request, rows, paginator,
                    next_query=_query(request, cursor=keyset.encode(rows[-1])) if more else None,
                    previous_query=_query(request, page=page.number - 1) if page.has_previous() else None)
