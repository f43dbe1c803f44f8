from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExitsConfig(AppConfig):
    name = "socorg.exits"
    label = "exits"
    verbose_name = _("Zombie screening and exits")

    def ready(self):
        from socorg.core.triggers import keep_counts_after_migrate

        keep_counts_after_migrate(self, "socorg.exits.triggers")
        from socorg.core.home import register_home_todos

        from .home import exit_todos

        register_home_todos(exit_todos)
        from socorg.core.audit_labels import ACTION_LABELS, EXTRA_KEY_LABELS, VALUE_LABELS

        from .choices import Criterion

        VALUE_LABELS.update(dict(Criterion.choices))

        ACTION_LABELS.update({
            "exits.run": _("zombie screening run"),
            "exits.case.rectified": _("screening case closed as rectified"),
            "exits.case.deregistered": _("screening case closed by deregistration"),
            "exits.case.revoked": _("screening case closed by revocation"),
        })
        EXTRA_KEY_LABELS.update({"criteria": _("criteria"), "opened": _("cases opened"),
                                 "already_open": _("cases already open"), "documents": _("documents")})
