"""Reads of random inspections that are more than a filter: the figures per region and year, and the overdue
rectification orders the credit lists read (`overdue_rectifications`).

Figures are attributed to the plan's region (the registration authority that planned and drew): a plan of the region
itself counts in its own row, a plan of a region below in the row of the child region containing it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from socorg.core.scope import in_subtree
from socorg.regions.models import Region

from . import rules
from .choices import InspectionResult, PlanStatus
from .models import Inspection, InspectionPlan, Selection

FIGURES = ("planned", "drawn", "inspected", "problems", "rectification_ordered", "rectified_on_time")


def overdue_rectifications(as_of: datetime.date | None = None):
    """Inspections whose rectification deadline passed before `as_of` (default today) without the rectification
    done by the deadline: the credit list's 「未按期整改」 (rectification_overdue) reason. Rows carry
    `selection.organization`, `rectification_deadline` and `rectified_on` (None while still not done)."""
    from django.utils import timezone

    as_of = as_of or timezone.localdate()
    late = Q(rectified_on__isnull=True) | Q(rectified_on__gt=F("rectification_deadline"))
    return (Inspection.objects.filter(result=InspectionResult.RECTIFY, rectification_deadline__lt=as_of)
            .filter(late).select_related("selection__organization", "selection__plan")
            .order_by("rectification_deadline", "pk"))


@dataclass
class FigureRow:
    region: Region
    is_own_level: bool
    figures: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))


def plans_in(*, year: int, region: Region, user):
    """The year's plans in the region's subtree that the user may see (cancelled ones left out of the figures)."""
    return (InspectionPlan.objects.visible_to(user, "view")
            .filter(in_subtree("region__code", region.scope_prefix), year=year)
            .exclude(status=PlanStatus.CANCELLED))


def plan_figures(plan: InspectionPlan) -> dict:
    counts = dict.fromkeys(FIGURES, 0)
    counts["planned"] = plan.n or 0
    counts["drawn"] = plan.selections.count()
    for checklist, result, deadline, rectified_on in Inspection.objects.filter(selection__plan=plan).values_list(
            "checklist", "result", "rectification_deadline", "rectified_on"):
        counts["inspected"] += 1
        counts["problems"] += rules.problems_found(checklist, result)
        counts["rectification_ordered"] += result == InspectionResult.RECTIFY
        counts["rectified_on_time"] += rules.rectified_on_time(deadline, rectified_on)
    return counts


def figures_by_region(*, year: int, region: Region, user) -> list[FigureRow]:
    """Planned (organizations to draw, from each committed plan's n), drawn, inspected, problems found, rectification
    ordered and rectified on time, for the region's own plans and for each child region's."""
    plans = list(plans_in(year=year, region=region, user=user).values_list("pk", "region_id"))
    children = list(region.children.order_by("code")) if region.level != "county" else []
    by_prefix = {child.scope_prefix: child for child in children}
    lengths = sorted({len(prefix) for prefix in by_prefix}, reverse=True)
    own = FigureRow(region, True)
    per_child: dict[str, FigureRow] = {}

    def row_for(code: str) -> FigureRow:
        child = None if code == region.code else next(
            (by_prefix[code[:n]] for n in lengths if code[:n] in by_prefix), None)
        if child is None:
            return own
        return per_child.setdefault(child.code, FigureRow(child, False))

    plan_rows = {pk: row_for(code) for pk, code in plans}
    for pk, n in InspectionPlan.objects.filter(pk__in=plan_rows).values_list("pk", "n"):
        plan_rows[pk].figures["planned"] += n or 0
    for entry in Selection.objects.filter(plan_id__in=plan_rows).values("plan_id").annotate(total=Count("pk")):
        plan_rows[entry["plan_id"]].figures["drawn"] += entry["total"]
    for plan_id, checklist, result, deadline, rectified_on in Inspection.objects.filter(
            selection__plan_id__in=plan_rows).values_list("selection__plan_id", "checklist", "result",
                                                           "rectification_deadline", "rectified_on"):
        figures = plan_rows[plan_id].figures
        figures["inspected"] += 1
        figures["problems"] += rules.problems_found(checklist, result)
        figures["rectification_ordered"] += result == InspectionResult.RECTIFY
        figures["rectified_on_time"] += rules.rectified_on_time(deadline, rectified_on)
    rows = [own] if any(own.figures.values()) or not per_child else []
    return rows + [per_child[c.code] for c in children if c.code in per_child]
