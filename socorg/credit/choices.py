"""Stored codes of the credit app and their Chinese labels (never shown as codes on screen).

The list codes (`abnormal`, `serious`) and the reason codes (credit.rules.REASONS) are contracts of the API and of
`socorg credit-candidates`: add to them, never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal-activity list (活动异常名录)")
    SERIOUS = "serious", _("Serious violation and dishonesty list (严重违法失信名单)")


class RemovalKind(models.TextChoices):
    """Why an entry ended."""

    FULFILLED = "fulfilled", _("Removed on application: obligation fulfilled")
    EXPIRED = "expired", _("Removed automatically when the period ended")
    ESCALATED = "escalated", _("Moved to the serious violation and dishonesty list")
    STATEMENT = "statement", _("Stopped by the supervising unit's written statement")
    OBJECTION = "objection", _("Removed after an objection was upheld")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning (警告)")
    FINE = "fine", _("Fine (罚款)")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains or property (没收违法所得/非法财产)")
    SUSPENSION = "suspension", _("Activities suspended for a set period (限期停止活动)")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Registration certificate revoked (吊销登记证书)")
    REGISTRATION_REVOKED = "registration_revoked", _("Registration revoked (撤销登记)")


# Penalties that end the organization (its registry status changes on the decision date).
ENDING_PENALTIES = (PenaltyKind.CERTIFICATE_REVOKED, PenaltyKind.REGISTRATION_REVOKED)


class FactKind(models.TextChoices):
    """Findings the platform cannot compute and staff record from another authority's document."""

    FUNDRAISING_CONDITIONS = "fundraising_conditions", _("No longer meets the public-fundraising conditions")
    DISHONEST_DEBTOR = "dishonest_debtor", _("Listed by a court as a dishonest judgment debtor (失信被执行人)")
    FRAUDULENT_CHANGE = "fraudulent_change", _("Change registration obtained by fraud and revoked")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("objection status", "Awaiting an answer")
    UPHELD = "upheld", pgettext_lazy("objection status", "Upheld")
    REJECTED = "rejected", pgettext_lazy("objection status", "Rejected")
