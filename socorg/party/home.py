"""Home-page cards: party organizations and party members in the user's regions."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card

from .choices import PartyOrgStatus
from .models import PartyMember, PartyOrganization


def party_cards(user) -> list[Card]:
    cards = []
    if user.has_capability("party.view"):
        count = PartyOrganization.objects.visible_to(user, "view").filter(status=PartyOrgStatus.ACTIVE).count()
        cards.append(Card(_("Party organizations in my regions"), count, reverse("party:org_list") + "?status=active"))
    if user.has_capability("members.view"):
        count = PartyMember.objects.visible_to(user, "view").filter(is_active=True).count()
        cards.append(Card(_("Party members in my regions"), count, reverse("party:member_list") + "?active=true"))
    return cards
