from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_history_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the triggers keeping the dated history (SQLite drops a table's triggers when a
    migration rebuilds it). The history cannot be recomputed: it is kept from the moment they exist."""
    from .history import TRIGGERS

    TRIGGERS.install(using)


class RegistryConfig(AppConfig):
    name = "socorg.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from socorg.core.home import register_home_cards

        from .home import active_organizations_card
        from .uscc import _connect_region_signals

        _connect_region_signals()
        register_home_cards(active_organizations_card)

        from . import ledger  # noqa: F401  (registers the 「社会组织」 sheet with the ledger)

        post_migrate.connect(install_history_triggers, sender=self, dispatch_uid="registry_history_triggers")
