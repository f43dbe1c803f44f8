from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination and sorting links keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str):
    """A column header that sorts by `field`, toggling ascending/descending, with an arrow on the active column."""
    query = context["request"].GET.copy()
    current = query.get("ordering", "")
    descending = current == field
    query["ordering"] = f"-{field}" if descending else field
    query.pop("page", None)
    arrow = "▲" if current == field else "▼" if current == f"-{field}" else ""
    return format_html('<a href="?{}">{} {}</a>', query.urlencode(), label, arrow)
