from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_counts_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the count triggers and, when any was missing, rebuild the counts."""
    from .state import rebuild_counts
    from .triggers import install_triggers

    if install_triggers(using):
        rebuild_counts()


class CoverageConfig(AppConfig):
    name = "socorg.coverage"
    label = "coverage"
    verbose_name = _("Two coverages")

    def ready(self):
        from . import home  # noqa: F401  (registers the home-page cards)

        post_migrate.connect(install_counts_triggers, sender=self, dispatch_uid="coverage_counts_triggers")
