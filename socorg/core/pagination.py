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

`list_page()` is what a list page calls: numbered pages (first / previous / n of N / next / last, jump to a page)
while the list is small (an exact count of at most NUMBERED_PAGES pages), and otherwise keyset pages
(socorg.core.keyset): first / previous / next links carrying a `cursor`, which cost the same at any depth and reach
every row, beyond the 10,000 the count stops at. An address with `?page=N` keeps working in both cases.
"""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

from .keyset import CURSOR_PARAM, CursorError, Keyset

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
    paginator = BoundedPaginator(queryset, per_page, exact_count=exact_count)
    cursor = request.GET.get(CURSOR_PARAM)
    if keyset is None or (cursor is None and paginator.count_is_exact and paginator.num_pages <= NUMBERED_PAGES):
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
    return ListPage(request, rows, paginator,
                    next_query=_query(request, cursor=keyset.encode(rows[-1])) if page.has_next() else None,
                    previous_query=_query(request, page=page.number - 1) if page.has_previous() else None)
