from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "socorg.activities"
    label = "activities"
    verbose_name = _("Organizational life")

    def ready(self):
        # Register the 「组织生活」 sheet with the ledger.
        from . import ledger  # noqa: F401
