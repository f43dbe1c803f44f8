"""The regions app's home-page card: how many county-level units the user's scope holds."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card
from socorg.core.scope import prefix_filter, region_prefixes

from .choices import Level
from .models import Region


def counties_in_scope_card(user) -> list[Card]:
    prefixes = region_prefixes(user, "regions.view")
    if not prefixes:
        return []
    counties = Region.objects.current().filter(level=Level.COUNTY)
    scope = prefix_filter("code", prefixes)
    if scope is not None:
        counties = counties.filter(scope)
    return [Card(title=_("County-level units in my regions"), value=counties.count(), url=reverse("regions:list"),
                 note=_("current GB/T 2260 divisions"))]
