"""Home-page card: organizational and work coverage of the user's own region (from the maintained counts)."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card, register_home_cards


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@register_home_cards
def coverage_cards(user) -> list[Card]:
    from .queries import region_figures

    roots = user.scope_regions("coverage.view")
    if len(roots) != 1:
        return []
    region = roots[0]
    figures = region_figures(region, source="maintained").totals
    url = f"{reverse('coverage:dashboard')}?region={region.code}"
    note = _("%(orgs)s organizations in %(region)s") % {"orgs": intcomma(figures["orgs"]), "region": region.name}
    return [Card(_("Organizational coverage"), _percent(figures["org_coverage_rate"]), url, note),
            Card(_("Work coverage"), _percent(figures["work_coverage_rate"]), url, note)]
