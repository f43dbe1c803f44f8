"""The zombie screening's line of the home page's to-do panel: open cases in the user's scope."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Todo

from .choices import CaseStatus
from .models import ScreeningCase


def exit_todos(user) -> list[Todo]:
    if not user.has_capability("exits.change"):
        return []
    count = ScreeningCase.objects.visible_to(user, "change").filter(status=CaseStatus.OPEN).count()
    return [Todo(_("Open zombie-screening cases"), count, reverse("exits:list") + "?status=open",
                 _("rectify, deregister or revoke"))]
