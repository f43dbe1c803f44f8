from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "socorg.exports"
    verbose_name = _("List exports")
    default_auto_field = "django.db.models.BigAutoField"
