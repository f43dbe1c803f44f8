from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "socorg.ratings"
    label = "ratings"
    verbose_name = _("Star ratings and evaluation grades")

    def ready(self):
        from socorg.core.triggers import keep_counts_after_migrate

        keep_counts_after_migrate(self, "socorg.ratings.triggers")
        from socorg.core.home import register_home_cards, register_home_todos

        from .home import ratings_cards, ratings_todos

        register_home_cards(ratings_cards)
        register_home_todos(ratings_todos)
