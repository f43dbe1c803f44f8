from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_counts_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the annual-report count triggers; when any was missing or changed, recount."""
    from .triggers import install_triggers, rebuild_counts

    if install_triggers(using):
        rebuild_counts()


def install_region_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the triggers keeping the reports' province and prefecture; when any was
    missing or changed, repair the reports written without them."""
    from .triggers import install_region_triggers

    install_region_triggers(using)


class ReportsConfig(AppConfig):
    name = "socorg.reports"
    label = "reports"
    verbose_name = _("Annual reports")

    def ready(self):
        # Register the ledger's 「年度报告」 sheet.
        from . import ledger  # noqa: F401

        post_migrate.connect(install_counts_triggers, sender=self, dispatch_uid="reports_counts_triggers")
        post_migrate.connect(install_region_triggers, sender=self, dispatch_uid="reports_region_triggers")
