"""The ratings' part of the home page: cards (star-rated party organizations of the last cycle, evaluation grades
about to expire) and to-dos (ratings to self-assess, to review, to approve)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.home import Card, Todo

from .choices import RatingStatus
from .models import EvaluationGrade, Rating
from .queries import expiring_grades


def ratings_cards(user) -> list[Card]:
    if not user.has_capability("ratings.view"):
        return []
    cycle = timezone.localdate().year - 1
    starred = (Rating.objects.visible_to(user, "view")
               .filter(cycle=cycle, status=RatingStatus.PUBLISHED, stars__gt=0, suspended_on__isnull=True).count())
    expiring = expiring_grades(EvaluationGrade.objects.visible_to(user, "view")).count()
    return [Card(title=_("Star-rated party organizations %(cycle)d") % {"cycle": cycle}, value=starred,
                 url=reverse("ratings:list") + f"?cycle={cycle}&status=published",
                 note=_("published, star not suspended")),
            Card(title=_("Evaluation grades expiring"), value=expiring,
                 url=reverse("ratings:evaluations") + "?expiring=1", note=_("within the warning period"))]


def ratings_todos(user) -> list[Todo]:
    todos = []
    cycle = timezone.localdate().year - 1
    if user.has_capability("ratings.self_assess"):
        own = Rating.objects.visible_to(user, "view").filter(cycle=cycle, status=RatingStatus.COMPUTED).count()
        todos.append(Todo(_("Ratings to self-assess"), own, reverse("ratings:list") + f"?cycle={cycle}&status=computed",
                          _("score the judged items with reasons and evidence")))
    if user.has_capability("ratings.review"):
        waiting = Rating.objects.visible_to(user, "review").filter(status=RatingStatus.SELF_ASSESSED).count()
        todos.append(Todo(_("Self-assessments to review"), waiting,
                          reverse("ratings:list") + "?status=self_assessed", _("adjust with reasons, or return")))
    if user.has_capability("ratings.approve"):
        waiting = (Rating.objects.visible_to(user, "approve").filter(status=RatingStatus.REVIEWED)
                   .filter(~Q(reviewed_by=user) | Q(reviewed_by__isnull=True)).count())
        todos.append(Todo(_("Ratings to approve"), waiting, reverse("ratings:list") + "?status=reviewed",
                          _("approve, then publish")))
    return todos
