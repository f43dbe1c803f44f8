"""The complaints' lines of the home page's to-do panel: complaints waiting for an acceptance decision and
complaints past a deadline, in the user's scope (for those who handle complaints)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.home import Todo

from .choices import AWAITING_ACCEPTANCE
from .models import Complaint
from .queries import overdue_q


def complaint_todos(user) -> list[Todo]:
    if not user.has_capability("complaints.change"):
        return []
    mine = Complaint.objects.visible_to(user, "change")
    return [
        Todo(_("Complaints awaiting acceptance"), mine.filter(status__in=AWAITING_ACCEPTANCE).count(),
             reverse("complaints:list") + "?status=received", _("accept or not, with reasons")),
        Todo(_("Complaints past a deadline"), mine.filter(overdue_q(timezone.localdate())).count(),
             reverse("complaints:list") + "?overdue=true", _("escalated daily to the region above")),
    ]
