from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "socorg.regions"
    label = "regions"
    verbose_name = _("Administrative divisions")

    def ready(self):
        from socorg.core.home import register_home_cards

        from .home import counties_in_scope_card

        register_home_cards(counties_in_scope_card)
