from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "socorg.alerts"
    label = "alerts"
    verbose_name = _("Early warning")

    def ready(self):
        from socorg.core.audit_labels import EXTRA_KEY_LABELS, VALUE_LABELS
        from socorg.core.home import register_home_cards, register_home_todos

        from .home import alert_todos, open_alerts_card
        from .labels import RESOLUTION_LABELS
        from .rules import RULES

        register_home_cards(open_alerts_card)
        register_home_todos(alert_todos)
        # Audit entries of scans count alerts per rule; resolution reasons are stored as written by the services.
        EXTRA_KEY_LABELS.update({code: rule.title for code, rule in RULES.items()})
        VALUE_LABELS.update(RESOLUTION_LABELS)
