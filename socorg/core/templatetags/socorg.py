from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from socorg.core.pagination import PAGE_SIZES

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination and sorting links keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_hidden_inputs(context, exclude: str = ""):
    """Hidden inputs carrying the current query string, except the comma-separated names in `exclude` (a small GET
    form, such as jump-to-page, keeps the list's filters)."""
    skipped = set(exclude.split(","))
    inputs = [format_html('<input type="hidden" name="{}" value="{}">', key, value)
              for key, values in context["request"].GET.lists() if key not in skipped for value in values]
    return mark_safe("".join(inputs))


@register.simple_tag(takes_context=True)
def form_cache_key(context, form) -> str:
    """What a valid GET filter form's HTML depends on, for {% cache %}: the form's class, its submitted values (the
    list's page, cursor and order are not its fields and do not count), the page size it carries, the language and
    the user (choices may be scoped)."""
    request = context["request"]
    data = form.data if form.is_bound else {}
    values = [(name, data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]) for name in form.fields]
    return repr((type(form).__module__, type(form).__qualname__, values, request.GET.get("page_size"),
                 get_language(), getattr(request.user, "pk", None)))


@register.simple_tag
def page_size_choices():
    return PAGE_SIZES


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str):
    """A column header that sorts by `field`, toggling ascending/descending, with an arrow on the active column."""
    query = context["request"].GET.copy()
    current = query.get("ordering", "")
    descending = current == field
    query["ordering"] = f"-{field}" if descending else field
    query.pop("page", None)
    query.pop("cursor", None)  # a cursor belongs to one order
    arrow = "▲" if current == field else "▼" if current == f"-{field}" else ""
    return format_html('<a href="?{}">{} {}</a>', query.urlencode(), label, arrow)


@register.filter
def bootstrap(field, size: str = ""):
    """Render a form field's widget with Bootstrap's classes (form-select for choices, is-invalid on errors)."""
    widget = field.field.widget
    if getattr(widget, "input_type", "") == "checkbox":
        css = "form-check-input"
    elif getattr(widget, "input_type", "") == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    if size:
        css += f" {css}-{size}"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def as_minutes(duration) -> int:
    """A timedelta as whole minutes (rounded up), e.g. for "try again in 30 minutes"."""
    seconds = int(duration.total_seconds())
    return -(-seconds // 60)


@register.filter
def audit_action(entry) -> str:
    """An audit entry's action in words (core.audit_labels), never its code."""
    from socorg.core.audit_labels import action_label

    return action_label(entry.action, entry.object_type)


@register.filter
def audit_changes(entry) -> list:
    """(label, before, after) rows of an audit entry in the user's language."""
    from socorg.core.audit_labels import changes

    return changes(entry)


@register.filter
def audit_actor(entry) -> str:
    from socorg.core.audit_labels import actor_label

    return actor_label(entry)
