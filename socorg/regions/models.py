from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.search import search_condition

from .choices import SCOPE_PREFIX_LENGTH, Level


class RegionQuerySet(models.QuerySet):
    def current(self, on=None):
        """Units in force on a date (default today); retired codes stay in the table so old records resolve."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def within(self, prefix: str):
        """The subtree under a scope prefix ("" = the whole country)."""
        from socorg.core.scope import in_subtree  # core.scope reads regions lazily too

        return self.filter(in_subtree("code", prefix))

    def visible_to(self, user, action: str = "view", *, domain: str | None = None):
        """Reference data: every signed-in, active account may read the divisions (the API's ScopedViewSet asks
        this like any scoped model); nobody changes them through the application (any other action: nothing)."""
        if user is None:
            raise TypeError("visible_to() needs the acting user; pass it explicitly (None is not a user).")
        readable = action == "view" and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
        return self.all() if readable else self.none()

    def search(self, text: str):
        return self.filter(search_condition(text, names=("name",), pinyin=("pinyin", "pinyin_initials"),
                                            codes=("code",)))


class Region(models.Model):
    """A GB/T 2260 division, keyed by its 6-digit code.

    The subtree of a unit is every code starting with `scope_prefix`, so scope filters on other tables are a
    LIKE 'prefix%' over an indexed code column, with no join and no recursive query."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    scope_prefix = models.CharField(_("scope prefix"), max_length=6, db_index=True)
    full_name = models.CharField(_("full name"), max_length=200)
    pinyin = models.CharField(_("pinyin"), max_length=200, db_index=True)
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=64, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Set when the code was retired."))
    successor = models.ForeignKey(
        "self", verbose_name=_("successor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self):
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    @staticmethod
    def prefix_for(code: str, level: str) -> str:
        return code[: SCOPE_PREFIX_LENGTH[Level(level)]]

    def contains(self, code: str) -> bool:
        return code.startswith(self.scope_prefix)

    def ancestors(self) -> list["Region"]:
        """From the root down to (excluding) self; at most three lookups."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))
