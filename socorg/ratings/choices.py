from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScorecardKind(models.TextChoices):
    STAR = "star", _("Star rating of party organizations")
    EVALUATION = "evaluation", _("Evaluation of social organizations")


class CriterionKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform's records")
    JUDGED = "judged", _("Judged by people")


class RatingStatus(models.TextChoices):
    """The cycle of one branch's star rating: computed → self-assessed → reviewed → approved → published."""

    COMPUTED = "computed", pgettext_lazy("rating status", "Computed")
    SELF_ASSESSED = "self_assessed", pgettext_lazy("rating status", "Self-assessed")
    REVIEWED = "reviewed", pgettext_lazy("rating status", "Reviewed")
    APPROVED = "approved", pgettext_lazy("rating status", "Approved")
    PUBLISHED = "published", pgettext_lazy("rating status", "Published")


# Statuses after which the computed criteria are no longer refreshed by `socorg rate`.
FROZEN_STATUSES = (RatingStatus.REVIEWED, RatingStatus.APPROVED, RatingStatus.PUBLISHED)


class Grade(models.TextChoices):
    """社会组织评估等级: 5A is the highest."""

    A5 = "5A", "5A"
    A4 = "4A", "4A"
    A3 = "3A", "3A"
    A2 = "2A", "2A"
    A1 = "1A", "1A"


GRADE_RANK = {Grade.A5: 5, Grade.A4: 4, Grade.A3: 3, Grade.A2: 2, Grade.A1: 1}
