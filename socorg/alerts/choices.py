from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class SubjectType(models.TextChoices):
    PARTY_ORG = "party_org", _("Party organization")
    SOCIAL_ORG = "social_org", _("Social organization")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned for rectification")
    SUBMITTED = "submitted", _("Rectification submitted")
    ACCEPTED = "accepted", _("Rectification accepted")
    RESOLVED = "resolved", _("Resolved")


# Statuses of an alert that is still being worked on: at most one such alert per rule and subject.
OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.ASSIGNED, AlertStatus.SUBMITTED)


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
