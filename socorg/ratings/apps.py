from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_counts_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the star-rating count triggers; when any was missing or changed, recount."""
    from .triggers import install_triggers, rebuild_counts

    if install_triggers(using):
        rebuild_counts()


class RatingsConfig(AppConfig):
    name = "socorg.ratings"
    label = "ratings"
    verbose_name = _("Star ratings and evaluation grades")

    def ready(self):
        post_migrate.connect(install_counts_triggers, sender=self, dispatch_uid="ratings_counts_triggers")
        from socorg.core.home import register_home_cards, register_home_todos

        from .home import ratings_cards, ratings_todos

        register_home_cards(ratings_cards)
        register_home_todos(ratings_todos)
