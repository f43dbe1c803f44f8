from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from socorg.core import pagination as bounded
from socorg.core.keyset import CURSOR_PARAM, CursorError, Keyset


class StandardPagination(PageNumberPagination):
    """The API lists' paginator: page numbers with a bounded count (socorg.core.pagination), and keyset pages
    (`?cursor=`, socorg.core.keyset) that cost the same at any depth.

    - `?page=N` works as it always did (up to the bounded count: `count` is exact when `count_is_exact` is true;
      otherwise more than `count` (= 10,000) rows match and only the first 10,000 can be reached by number; a view
      with a cheap exact total gives it whatever its size, and numbers still stop at 10,000 rows).
    - `next` leads into cursor mode: the cursor of the rows after this page's last row, in the list's order
      (the asked `ordering` completed by the primary key, so rows with equal sort values are neither lost nor
      repeated). From there `next` and `previous` are cursors too, with no depth limit. A client that follows
      `next` pages through the whole list; one that computes `?page=` still works.
    - A cursor is opaque; a damaged one, or one made for another `ordering`, answers 400 naming `cursor`.
    - A list whose order a cursor cannot follow (a random or computed order) keeps page links, and refuses
      `?cursor=` with 400.

    A view that knows an exact total cheaply defines `exact_count()` (returning None when it cannot answer)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = CURSOR_PARAM
    cursor_query_description = gettext_lazy(
        "Opaque position from a previous answer's `next` or `previous` link (keyset paging, any depth).")
    invalid_page_message = gettext_lazy(
        "This page does not exist: the list has fewer pages, or more than %(cap)s rows match and only the first "
        "%(cap)s can be paged through (narrow the filters, or follow the `next` links, which have no limit).")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.keyset = Keyset.of(queryset)
        self.keyset_page = None
        if self.keyset is not None:
            queryset = self.keyset.ordered(queryset)
        # An instance attribute: DRF instantiates django_paginator_class(queryset, page_size).
        # The API keeps its published count (exact up to COUNT_CAP = 10,000 rows, `?page=` reaching them): scripts
        # page by number through it. Only the list pages count no further than their 20 numbered pages.
        self.django_paginator_class = partial(bounded.BoundedPaginator, exact_count=getattr(view, "exact_count", None))
        self.invalid_page_message = type(self).invalid_page_message % {"cap": f"{bounded.COUNT_CAP:,}"}
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            return super().paginate_queryset(queryset, request, view)
        if self.keyset is None:
            raise ValidationError({self.cursor_query_param: [
                _("This list's sort order cannot be paged by cursor: page by number (page) instead.")]})
        try:
            self.keyset_page = self.keyset.page(cursor, self.get_page_size(request))
        except CursorError as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from None
        self.counter = self.django_paginator_class(queryset, self.get_page_size(request))
        return list(self.keyset_page.object_list)

    def get_paginated_response(self, data):
        paginator = self.counter if self.keyset_page is not None else self.page.paginator
        return Response({
            "count": paginator.count,
            "count_is_exact": paginator.count_is_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def _cursor_link(self, cursor: str) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        if self.keyset_page is not None:
            cursor = self.keyset_page.next_cursor
            return self._cursor_link(cursor) if cursor else None
        if self.keyset is None or not self.page.has_next():
            return super().get_next_link()
        return self._cursor_link(self.keyset.encode(self.page[-1]))

    def get_previous_link(self):
        if self.keyset_page is not None:
            cursor = self.keyset_page.previous_cursor
            return self._cursor_link(cursor) if cursor else None
        return super().get_previous_link()

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append({
            "name": self.cursor_query_param, "required": False, "in": "query",
            "description": str(self.cursor_query_description), "schema": {"type": "string"},
        })
        return parameters

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        for link in ("next", "previous"):
            properties[link]["example"] = f"http://api.example.org/accounts/?{self.cursor_query_param}=eyJvIjoi"
            properties[link]["description"] = "Keyset link (`cursor=`) to the neighbouring page; null at the end."
        response["properties"] = {
            "count": properties["count"],
            "count_is_exact": {
                "type": "boolean", "example": True,
                "description": "False when more rows match than `count` (10,000): `page` numbers reach only those; "
                               "the `next` links (cursors) reach every row.",
            },
            **{key: value for key, value in properties.items() if key != "count"},
        }
        response["required"] = [*response.get("required", ["count", "results"]), "count_is_exact"]
        return response
