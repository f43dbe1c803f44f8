from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "socorg.alerts"
    label = "alerts"
    verbose_name = _("Early warning")

    def ready(self):
        from socorg.core.home import register_home_cards

        from .home import open_alerts_card

        register_home_cards(open_alerts_card)
