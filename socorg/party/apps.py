from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_history_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the triggers keeping the dated history (SQLite drops a table's triggers when a
    migration rebuilds it). The history cannot be recomputed: it is kept from the moment they exist."""
    from .history import MEMBER_TRIGGERS, PARTY_ORG_TRIGGERS

    for triggers in (PARTY_ORG_TRIGGERS, MEMBER_TRIGGERS):
        triggers.install(using)


class PartyConfig(AppConfig):
    name = "socorg.party"
    label = "party"
    verbose_name = _("Party organizations")

    def ready(self):
        from socorg.core.home import register_home_cards

        from .home import party_cards

        register_home_cards(party_cards)

        from . import ledger  # noqa: F401  (registers the 「党组织」 and 「党建工作指导员」 sheets with the ledger)

        post_migrate.connect(install_history_triggers, sender=self, dispatch_uid="party_history_triggers")
