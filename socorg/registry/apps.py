from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
