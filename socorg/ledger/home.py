"""The ledger's to-do on the home page: checked workbooks waiting for the uploader's confirmation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.core.home import Todo

from .models import ImportStatus, LedgerImport


def import_todos(user) -> list[Todo]:
    if not user.has_capability("ledger.import"):
        return []
    waiting = LedgerImport.objects.filter(uploaded_by=user, status=ImportStatus.VALIDATED)
    count = waiting.count()
    # One waiting import: straight to its page (the confirm button); several: the ledger page lists them.
    url = reverse("ledger:detail", args=[waiting.first().pk]) if count == 1 else reverse("ledger:index")
    return [Todo(_("Imports waiting for confirmation"), count, url, _("checked workbooks without errors"))]
