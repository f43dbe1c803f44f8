from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ListExport(models.Model):
    """One export of a filtered list that was too long to write inside the request (see exports.services).

    The query string is kept as the user sent it; the worker rebuilds the list from it through the list's FilterSet
    and the user's scope, so the file holds exactly the rows the list shows. Visible to the requester only."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    list_name = models.CharField(_("list"), max_length=32)
    query = models.TextField(_("filters"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices,
                              default=ExportStatus.RUNNING)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.list_name} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> int:
        if self.status != ExportStatus.RUNNING:
            return 100
        return min(99, self.written * 100 // self.total) if self.total else 0
