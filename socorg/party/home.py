"""Home-page cards: party organizations and party members in the user's regions."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card
from socorg.core.pagination import COUNT_CAP

from .choices import PartyOrgStatus
from .models import PartyMember, PartyOrganization


def party_cards(user) -> list[Card]:
    cards = []
    if user.has_capability("party.view"):
        count = PartyOrganization.objects.visible_to(user, "view").filter(status=PartyOrgStatus.ACTIVE).count()
        url = reverse("party:party_org_list") + "?status=active"
        cards.append(Card(_("Party organizations in my regions"), count, url))
    if user.has_capability("members.view"):
        # Counting 3,000,000 members nationally costs seconds on every home page: count up to the list's cap.
        members = PartyMember.objects.visible_to(user, "view").filter(is_active=True)
        found = members.order_by().values("pk")[: COUNT_CAP + 1].count()
        value, note = found, ""
        if found > COUNT_CAP:
            cap = f"{COUNT_CAP:,}"
            value, note = f"{cap}+", _("More than %(cap)s: the member list narrows them by region.") % {"cap": cap}
        cards.append(Card(_("Party members in my regions"), value, reverse("party:member_list") + "?active=true",
                          note))
    return cards
