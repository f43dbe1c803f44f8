from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "socorg.public"
    label = "public"
    verbose_name = _("Public disclosure")

    def ready(self):
        from . import caching

        caching.connect_invalidation()
