from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "socorg.party"
    label = "party"
    verbose_name = _("Party organizations")

    def ready(self):
        from socorg.core.home import register_home_cards

        from .home import party_cards

        register_home_cards(party_cards)

        from . import ledger  # noqa: F401  (registers the 「党组织」 and 「党建工作指导员」 sheets with the ledger)
