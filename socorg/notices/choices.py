from django.db import models
from django.utils.translation import pgettext_lazy


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice status", "Draft")
    PUBLISHED = "published", pgettext_lazy("notice status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice status", "Withdrawn")


class ResponseKind(models.TextChoices):
    """What a notice asks of its recipients besides reading it."""

    NONE = "none", pgettext_lazy("notice response", "Nothing (read only)")
    REPLY = "reply", pgettext_lazy("notice response", "A written reply")
    UPLOAD = "upload", pgettext_lazy("notice response", "An uploaded file")


class ReceiptState(models.TextChoices):
    """A recipient's state, for the sender's completion table (derived, never stored)."""

    UNREAD = "unread", pgettext_lazy("notice receipt", "Not read")
    READ = "read", pgettext_lazy("notice receipt", "Read")
    DONE = "done", pgettext_lazy("notice receipt", "Completed")
    OVERDUE = "overdue", pgettext_lazy("notice receipt", "Not completed, past the deadline")
