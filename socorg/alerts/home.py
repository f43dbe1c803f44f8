"""The early-warning home page: the open alerts card, and the to-dos (alerts assigned to me, rectifications
waiting for my review)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Card, Todo

from .choices import OPEN_STATUSES, AlertStatus
from .models import Alert


def open_alerts_card(user) -> list[Card]:
    if not user.has_capability("alerts.view"):
        return []
    visible = Alert.objects.visible_to(user, "view")
    return [Card(title=_("Open alerts"), value=visible.filter(status__in=OPEN_STATUSES).count(),
                 url=reverse("alerts:list") + "?state=open", note=_("early warnings in my regions"))]


def alert_todos(user) -> list[Todo]:
    if not user.has_capability("alerts.view"):
        return []
    todos = [Todo(_("Alerts assigned to me"),
                  Alert.objects.visible_to(user, "view").filter(assignee=user, status=AlertStatus.ASSIGNED).count(),
                  reverse("alerts:list") + "?mine=true&status=assigned", _("rectify and submit"))]
    if user.has_capability("alerts.change"):
        waiting = (Alert.objects.visible_to(user, "change").filter(status=AlertStatus.SUBMITTED)
                   .exclude(assignee=user).count())
        todos.append(Todo(_("Rectifications to review"), waiting, reverse("alerts:list") + "?status=submitted",
                          _("accept or send back")))
    return todos
