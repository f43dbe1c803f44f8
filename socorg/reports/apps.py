from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "socorg.reports"
    label = "reports"
    verbose_name = _("Annual reports")

    def ready(self):
        # Register the ledger's 「年度报告」 sheet.
        from . import ledger  # noqa: F401
