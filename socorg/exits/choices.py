from django.db import models
from django.utils.translation import pgettext_lazy


class Criterion(models.TextChoices):
    """The 2021 national campaign's signs of a zombie organization (僵尸型社会组织), as the platform checks them."""

    MISSED_REPORTS = "missed_reports", pgettext_lazy("zombie criterion", "Missed consecutive annual reports")
    NO_ACTIVITY = "no_activity", pgettext_lazy("zombie criterion", "No activity within a year of registration")
    OUTSIDE_SCOPE = "outside_scope", pgettext_lazy("zombie criterion", "Not operating within its scope")
    UNREACHABLE = "unreachable", pgettext_lazy("zombie criterion", "Unreachable at its registered address")
    ABNORMAL_LIST = "abnormal_list", pgettext_lazy("zombie criterion", "On the abnormal list for more than a year")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("screening case", "Open")
    RECTIFIED = "rectified", pgettext_lazy("screening case", "Rectified")
    DEREGISTERED = "deregistered", pgettext_lazy("screening case", "Deregistered (注销)")
    REVOKED = "revoked", pgettext_lazy("screening case", "Registration revoked (撤销)")
    CERTIFICATE_REVOKED = "certificate_revoked", pgettext_lazy("screening case", "Certificate revoked (吊销)")


CLOSED = (CaseStatus.RECTIFIED, CaseStatus.DEREGISTERED, CaseStatus.REVOKED, CaseStatus.CERTIFICATE_REVOKED)
