from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")


class Formation(models.TextChoices):
    STANDALONE = "standalone", _("Standalone")
    JOINT = "joint", _("Joint")
    ATTACHED = "attached", _("Attached")
    INDUSTRY = "industry", _("Industry-wide joint")
    AREA = "area", _("Area-wide joint")


class PartyOrgStatus(models.TextChoices):
    ACTIVE = "active", _("Normal")
    DISSOLVED = "dissolved", _("Dissolved")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Membership(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class InstructorKind(models.TextChoices):
    """Who is sent to organizations: 党建工作指导员; a party committee member assigned to follow certain organizations
    (党委委员挂钩联系); a liaison (联络员) of 中办《关于加强社会组织党的建设工作的意见（试行）》(2015), sent to
    organizations without party members. Distinct kinds; all count for work coverage."""

    INSTRUCTOR = "instructor", _("Party-building instructor")
    LIAISON = "liaison", _("Committee member liaison")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")


class InstructorStatus(models.TextChoices):
    ON_DUTY = "on_duty", _("On duty")
    LEFT = "left", _("Left the post")


# A joint branch should cover at most this many organizations; more is allowed but flagged.
JOINT_BRANCH_MAX_ORGS = 5
TERM_YEARS_CHOICES = [(3, _("3 years")), (5, _("5 years"))]


class ResponsibleBodyKind(models.TextChoices):
    """Who is responsible for an organization's party building (党建工作管理关系)."""

    COMPREHENSIVE = "comprehensive", _("Social organizations' comprehensive party committee")
    INDUSTRY = "industry", _("Industry party committee")
    SUPERVISOR = "supervisor", _("Party organization of the supervising unit")
    LOCAL = "local", _("Local street or township party committee")
