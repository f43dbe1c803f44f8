from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "socorg.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from socorg.core.home import register_home_todos

        from .queries import notice_todos

        register_home_todos(notice_todos)
