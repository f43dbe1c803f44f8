from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The navigation bar's entry (core.context_processors.navigation).
NAV_LABEL = pgettext_lazy("navigation", "Projects")


class ProjectsConfig(AppConfig):
    name = "socorg.projects"
    label = "projects"
    verbose_name = _("Funded projects and matching")
