from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit")
    FOUNDATION = "foundation", _("Foundation")


# USCC digit 2 for each type (9 = "other" is accepted for any type).
USCC_TYPE_DIGIT = {OrgType.SOCIAL_GROUP: "1", OrgType.PRIVATE_NON_ENTERPRISE: "2", OrgType.FOUNDATION: "3"}


class Category(models.TextChoices):
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association or chamber of commerce")
    SCIENCE_TECHNOLOGY = "science_technology", _("Science and technology")
    CHARITY = "charity", _("Public welfare and charity")
    COMMUNITY_SERVICE = "community_service", _("Urban and rural community service")
    OTHER = "other", _("Other")


class AuthorityLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Provincial")
    PREFECTURE = "prefecture", _("Municipal")
    COUNTY = "county", _("County")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Normal")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Revoked")
    # A penalty of the registration authority (登记证书被吊销): the organization ends like a revoked one.
    CERTIFICATE_REVOKED = "cert_revoked", _("Registration certificate revoked")
    # A penalty suspending the activities for a set period (限期停止活动): still registered.
    SUSPENDED = "suspended", _("Activities suspended for a set period")


# Still registered: in the statistics, the rules and the annual reports (SUSPENDED included). The other statuses end
# the organization as of status_changed_on.
REGISTERED_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED)


class FilingStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    CANCELLED = "cancelled", _("Filing cancelled")
