from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Where a report stands. `not_started` is never stored: it is what the API says when no row exists yet."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    REVIEWED = "reviewed", _("Reviewed")


NOT_STARTED = "not_started"


class Conclusion(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")
