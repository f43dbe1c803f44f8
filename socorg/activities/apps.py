from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "socorg.activities"
    label = "activities"
    verbose_name = _("Organizational life")

    def ready(self):
        # Plug the real 「组织生活」 handler into the ledger (replacing its structure-only placeholder).
        from . import ledger  # noqa: F401
