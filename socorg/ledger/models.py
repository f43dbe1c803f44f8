from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Validating")
    VALIDATED = "validated", _("Checked, waiting for confirmation")
    INVALID = "invalid", _("Errors found")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING = {ImportStatus.VALIDATING, ImportStatus.IMPORTING}


class LedgerImport(models.Model):
    """One uploaded workbook on its way through preview (dry run) → confirmation → import.

    Progress and the summaries live here so any web process can show them (htmx polls the row); the file and the
    marked report are kept through Django's storage API under MEDIA_ROOT. Visible to the uploader only."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    file = models.FileField(_("workbook"), upload_to="ledger/uploads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.VALIDATING, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    preview = models.JSONField(_("dry-run summary"), null=True, blank=True)
    summary = models.JSONField(_("import summary"), null=True, blank=True)
    report = models.FileField(_("marked workbook"), upload_to="ledger/reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When the running step (dry run or import) was started: an import still running long after its time limit has
    # died with its process and is marked failed (services.fail_stale_imports).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def outcome(self) -> dict | None:
        return self.summary or self.preview

    def error_count(self) -> int:
        return len((self.outcome or {}).get("errors", []))
