from django import template

from socorg.core.crypto import mask

register = template.Library()


@register.filter
def masked(value: str) -> str:
    """A sensitive value as shown everywhere unless revealed: "530102********1234"."""
    return mask(value or "")
