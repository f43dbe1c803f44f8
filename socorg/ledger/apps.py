from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "socorg.ledger"
    label = "ledger"
    verbose_name = _("Ledger import and export")

    def ready(self):
        from socorg.core.home import register_home_todos

        from .home import import_todos

        register_home_todos(import_todos)
