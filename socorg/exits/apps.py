from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_counts_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the screening-case count triggers; when any was missing or changed, recount."""
    from .triggers import install_triggers, rebuild_counts

    if install_triggers(using):
        rebuild_counts()


class ExitsConfig(AppConfig):
    name = "socorg.exits"
    label = "exits"
    verbose_name = _("Zombie screening and exits")

    def ready(self):
        post_migrate.connect(install_counts_triggers, sender=self, dispatch_uid="exits_counts_triggers")
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
