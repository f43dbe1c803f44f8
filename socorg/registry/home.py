"""The registry's home-page card."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card

from .choices import OrgStatus
from .totals import active_total


def active_organizations_card(user) -> list[Card]:
    """Active social organizations registered in the user's scope (nothing for users without registry.view)."""
    if not user.has_capability("registry.view"):
        return []
    # The coverage app's maintained per-region counts (registry.totals): exact, without counting a million rows.
    count = active_total(user)
    url = reverse("registry:list") + f"?status={OrgStatus.ACTIVE}"
    return [Card(title=_("Active social organizations"), value=count, url=url,
                 note=_("registered by authorities in my regions"))]
