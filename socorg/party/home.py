"""Home-page cards: party organizations and party members in the user's regions."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card
from socorg.core.pagination import COUNT_CAP

from .choices import PartyOrgStatus
from .models import PartyCoverage, PartyMember, PartyOrganization, active_on


def party_cards(user) -> list[Card]:
    cards = []
    if user.has_capability("party.view"):
        active = PartyOrganization.objects.visible_to(user, "view").filter(status=PartyOrgStatus.ACTIVE)
        covering = PartyCoverage.objects.filter(active_on(), party_org=OuterRef("pk"))
        counts = active.aggregate(total=Count("pk"), covering_none=Count("pk", filter=~Exists(covering)))
        url = reverse("party:party_org_list") + "?status=active"
        # The coverage page counts the party organizations that cover social organizations; say why this differs.
        note = _("including %(n)s that cover no social organization (such as comprehensive party committees), which "
                 "the coverage page does not count") % {"n": intcomma(counts["covering_none"])} \
            if counts["covering_none"] else ""
        cards.append(Card(_("Party organizations in my regions"), counts["total"], url, note))
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
