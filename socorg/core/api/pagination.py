from functools import partial

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from socorg.core import pagination as bounded


class StandardPagination(PageNumberPagination):
    """Page-number pagination with a bounded count (see socorg.core.pagination).

    `count` is exact when `count_is_exact` is true; otherwise there are more than `count` (= 10,000) matching rows
    and only the first 10,000 can be paged through: narrow the filters (a region, a status, …) to reach the others.
    A view that knows an exact total cheaply defines `exact_count()` (returning None when it cannot answer)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = _("This page does not exist: the list has fewer pages, or more than %(cap)s rows "
                             "match and only the first %(cap)s can be paged through (narrow the filters).")

    def paginate_queryset(self, queryset, request, view=None):
        # An instance attribute: DRF instantiates django_paginator_class(queryset, page_size).
        self.django_paginator_class = partial(bounded.BoundedPaginator, exact_count=getattr(view, "exact_count", None))
        self.invalid_page_message = type(self).invalid_page_message % {"cap": f"{bounded.COUNT_CAP:,}"}
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_is_exact": paginator.count_is_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_is_exact": {
                "type": "boolean", "example": True,
                "description": "False when more rows match than `count` (10,000): only those can be paged through.",
            },
            **{key: value for key, value in response["properties"].items() if key != "count"},
        }
        response["required"] = [*response.get("required", ["count", "results"]), "count_is_exact"]
        return response
