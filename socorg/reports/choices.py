from django.db import models
from django.utils.translation import pgettext_lazy


class ReportStatus(models.TextChoices):
    """Where a report stands. `not_started` is never stored: it is what the API says when no row exists yet."""

    DRAFT = "draft", pgettext_lazy("annual report status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("annual report status", "Submitted")
    RETURNED = "returned", pgettext_lazy("annual report status", "Returned for correction")
    REVIEWED = "reviewed", pgettext_lazy("annual report status", "Reviewed")


NOT_STARTED = "not_started"


class Conclusion(models.TextChoices):
    QUALIFIED = "qualified", pgettext_lazy("annual report conclusion", "Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", pgettext_lazy("annual report conclusion", "Basically qualified")
    UNQUALIFIED = "unqualified", pgettext_lazy("annual report conclusion", "Unqualified")
