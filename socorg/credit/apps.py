from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "socorg.credit"
    label = "credit"
    verbose_name = _("Credit lists and penalties")
