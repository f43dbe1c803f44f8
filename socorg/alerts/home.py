"""The early-warning home-page cards: open alerts in the user's scope, and the alerts assigned to them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card

from .choices import OPEN_STATUSES, AlertStatus
from .models import Alert


def open_alerts_card(user) -> list[Card]:
    if not user.has_capability("alerts.view"):
        return []
    visible = Alert.objects.visible_to(user, "view")
    cards = [Card(title=_("Open alerts"), value=visible.filter(status__in=OPEN_STATUSES).count(),
                  url=reverse("alerts:list") + "?state=open", note=_("early warnings in my regions"))]
    mine = visible.filter(assignee=user, status=AlertStatus.ASSIGNED).count()
    if mine:
        cards.append(Card(title=_("Rectifications assigned to me"), value=mine,
                          url=reverse("alerts:list") + "?mine=true&state=open", note=_("to submit")))
    return cards
