"""Random-inspection pages: the plans with the year's figures, a new plan, one plan (the commitment before the draw,
the draw after it, conflicts, cancelling, closing), the inspection of one selected organization, the inspector
roster — and, without login, the published plans with their proofs and results.

Every staff page starts from the user's inspections scope (outside → 404); inspections.services validates and
writes."""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.activities.attachments import content_type_for
from socorg.core.decorators import capability_required
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.regions.models import Region

from . import services
from .choices import ITEM_LABELS, PARTY_BUILDING_CODES, ItemState, PlanStatus
from .filters import InspectionPlanFilter
from .forms import ConflictForm, InspectionForm, InspectorMarkForm, PlanForm, RectifiedForm
from .models import ConflictDeclaration, Inspection, InspectionDocument, InspectionPlan, InspectorAccount, Selection
from .proof import build_proof
from .queries import FIGURES, figures_by_region

PAGE_SIZE = 50
SELECTION_PAGE = 100


def _figure_labels():
    return {"planned": _("planned"), "drawn": _("drawn"), "inspected": _("inspected"),
            "problems": _("problems found"), "rectification_ordered": _("ordered to rectify"),
            "rectified_on_time": _("rectified on time")}


def _region(code: str | None) -> Region:
    return Region.objects.filter(code=code or "100000").first() or Region.objects.get(code="100000")


def _plan(user, pk: int, action: str = "view") -> InspectionPlan:
    return get_object_or_404(InspectionPlan.objects.visible_to(user, action).select_related("region"), pk=pk)


@capability_required("inspections.view")
def plan_list(request):
    params = request.GET.copy()
    year = params.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 9999 else timezone.localdate().year
    params["year"] = str(year)
    region = _region(params.get("region"))
    plans = InspectionPlanFilter(params, queryset=InspectionPlan.objects.visible_to(request.user, "view")
                                 .select_related("region").order_by("-year", "-created_at", "-pk"))
    page = list_page(request, plans.qs, page_size(request, PAGE_SIZE))
    labels = _figure_labels()
    rows = [(row, [(labels[key], row.figures[key]) for key in FIGURES])
            for row in figures_by_region(year=year, region=region, user=request.user)]
    return render(request, "inspections/plan_list.html", {
        "filter": plans, "page": page, "year": year, "region": region, "figure_labels": [labels[k] for k in FIGURES],
        "region_rows": rows, "can_plan": request.user.has_capability("inspections.change"),
    })


def _roster(user):
    return (InspectorAccount.objects.visible_to(user, "view").filter(active=True).select_related("user")
            .order_by("name", "pk"))


@capability_required("inspections.change")
def plan_create(request):
    form = PlanForm(request.POST or None, roster=_roster(request.user),
                    initial={"year": timezone.localdate().year, "per_org": 2, "active_only": True})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            if "inspectors" in getattr(error, "error_dict", {}):
                error.error_dict["experts"] = error.error_dict.pop("inspectors")
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The plan has been created. Check it, then commit the pool."))
            return redirect("inspections:detail", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form})


@capability_required("inspections.view")
def plan_detail(request, pk: int):
    plan = _plan(request.user, pk)
    can_change = can(request.user, "inspections.change", plan.region_id)
    selections = plan.selections.select_related("organization", "inspection").order_by("position")
    page = list_page(request, selections, page_size(request, SELECTION_PAGE))
    inspectors = {i.code: i for i in plan.inspectors.all()}
    rows = [(s, [inspectors[c] for c in s.inspector_codes], getattr(s, "inspection", None)) for s in page]
    declarations = ConflictDeclaration.objects.filter(inspector__plan=plan).select_related("inspector",
                                                                                          "organization")
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, "can_change": can_change, "page": page, "rows": rows,
        "inspectors": list(inspectors.values()), "declarations": declarations,
        "item_labels": [ITEM_LABELS[c] for c in plan.items if c in ITEM_LABELS],
        "conflict_form": ConflictForm(plan=plan) if can_change and plan.status in (
            PlanStatus.DRAFT, PlanStatus.COMMITTED) else None,
        "pending": plan.selections.filter(inspection__isnull=True).count() if plan.is_drawn else 0,
    })


def _act(request, pk: int, action, success: str):
    plan = _plan(request.user, pk, "change")
    try:
        action(plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("inspections:detail", pk=plan.pk)


@capability_required("inspections.change")
@require_POST
def plan_commit(request, pk: int):
    return _act(request, pk, lambda plan: services.plan_commit(plan=plan, actor=request.user),
                _("The pool has been committed and its SHA-256 published."))


@capability_required("inspections.change")
@require_POST
def plan_draw(request, pk: int):
    value = request.POST.get("public_value", "")
    return _act(request, pk, lambda plan: services.plan_draw(plan=plan, public_value=value, actor=request.user),
                _("The draw has been made; its proof is published."))


@capability_required("inspections.change")
@require_POST
def plan_cancel(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda plan: services.plan_cancel(plan=plan, reason=reason, actor=request.user),
                _("The plan has been cancelled."))


@capability_required("inspections.change")
@require_POST
def plan_close(request, pk: int):
    return _act(request, pk, lambda plan: services.plan_close(plan=plan, actor=request.user),
                _("The plan is closed; its results are published."))


@capability_required("inspections.change")
@require_POST
def conflict_declare(request, pk: int):
    plan = _plan(request.user, pk, "change")
    form = ConflictForm(request.POST, plan=plan)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("inspections:detail", pk=plan.pk)
    inspector = get_object_or_404(plan.inspectors, code=form.cleaned_data["inspector"])
    return _act(request, pk, lambda p: services.conflict_declare(
        plan=p, inspector=inspector, uscc=form.cleaned_data["uscc"], reason=form.cleaned_data["reason"],
        actor=request.user), _("The conflict has been recorded; the inspector will not be drawn for it."))


def _party_building_facts(org) -> list[str]:
    """What the registry says about the organization's party building, beside the party-building items."""
    facts = [_("Standalone party organization: %(v)s") % {"v": _("yes") if org.standalone else _("no")},
             _("Organizationally covered: %(v)s") % {"v": _("yes") if org.org_covered else _("no")},
             _("Work covered (instructor or liaison included): %(v)s") % {
                 "v": _("yes") if org.work_covered else _("no")}]
    full = getattr(org, "full_members", None)
    if full is not None:
        facts.insert(0, _("Full party members employed: %(n)d") % {"n": full})
    return facts


@capability_required("inspections.view")
def inspection_record(request, pk: int, uscc: str):
    plan = _plan(request.user, pk)
    selection = get_object_or_404(Selection.objects.select_related("organization"), plan=plan, uscc=uscc.upper())
    inspection = Inspection.objects.filter(selection=selection).prefetch_related("inspectors_present",
                                                                                 "documents").first()
    can_change = can(request.user, "inspections.change", plan.region_id) and plan.status == PlanStatus.DRAWN
    form = InspectionForm(request.POST or None, request.FILES or None, plan=plan,
                          initial=InspectionForm.initial_from(inspection))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.inspection_record(selection=selection, actor=request.user, **form.service_values())
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The inspection has been recorded."))
                return redirect("inspections:inspection", pk=plan.pk, uscc=selection.uscc)
    inspectors = {i.code: i for i in plan.inspectors.all()}
    return render(request, "inspections/inspection_form.html", {
        "plan": plan, "selection": selection, "org": selection.organization, "inspection": inspection,
        "form": form, "can_change": can_change, "assigned": [inspectors[c] for c in selection.inspector_codes],
        "party_codes": PARTY_BUILDING_CODES, "facts": _party_building_facts(selection.organization),
        "rectified_form": RectifiedForm(),
        "checklist_rows": [(ITEM_LABELS.get(code, ""), dict(ItemState.choices).get(state, ""))
                           for code, state in (inspection.checklist.items() if inspection else [])],
    })


@capability_required("inspections.change")
@require_POST
def inspection_rectified(request, pk: int, uscc: str):
    plan = _plan(request.user, pk, "change")
    inspection = get_object_or_404(Inspection, selection__plan=plan, selection__uscc=uscc.upper())
    form = RectifiedForm(request.POST)
    day = form.cleaned_data.get("rectified_on") if form.is_valid() else None
    try:
        services.inspection_rectified(inspection=inspection, rectified_on=day, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The rectification has been recorded."))
    return redirect("inspections:inspection", pk=plan.pk, uscc=uscc.upper())


@capability_required("inspections.view")
def document(request, pk: int):
    found = get_object_or_404(InspectionDocument.objects.select_related("inspection__selection__plan"), pk=pk)
    _plan(request.user, found.inspection.selection.plan_id)  # 404 outside the scope
    extension = os.path.splitext(found.name)[1].lower()
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name,
                        content_type=content_type_for(extension))


@capability_required("inspections.view")
def roster(request):
    can_mark = request.user.has_capability("inspections.change")
    form = InspectorMarkForm(request.POST or None)
    if request.method == "POST":
        if not can_mark:
            raise PermissionDenied
        if form.is_valid():
            from socorg.accounts.models import User

            user = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
            try:
                services.inspector_account_mark(user=user, name=form.cleaned_data["name"],
                                                unit=form.cleaned_data["unit"], region=form.cleaned_data["region"],
                                                actor=request.user)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The account is on the inspector roster."))
                return redirect("inspections:roster")
    marks = InspectorAccount.objects.visible_to(request.user, "view").select_related("user", "region")
    return render(request, "inspections/roster.html", {"form": form, "marks": marks, "can_mark": can_mark})


# --- published (no login) ----------------------------------------------------------------------------------------

def published_list(request):
    """Closed plans with their results, and drawn plans with their proofs: public."""
    plans = (InspectionPlan.objects.filter(drawn_at__isnull=False).select_related("region")
             .order_by("-year", "-drawn_at", "-pk"))
    cancelled = (InspectionPlan.objects.filter(status=PlanStatus.CANCELLED).select_related("region")
                 .order_by("-cancelled_at")[:50])
    page = list_page(request, plans, page_size(request, PAGE_SIZE))
    return render(request, "inspections/published_list.html", {"page": page, "cancelled": cancelled})


def published_detail(request, pk: int):
    plan = get_object_or_404(InspectionPlan.objects.select_related("region").filter(drawn_at__isnull=False), pk=pk)
    inspectors = {i.code: i for i in plan.inspectors.all()}
    selections = plan.selections.select_related("organization").order_by("position")
    page = list_page(request, selections, page_size(request, SELECTION_PAGE))
    results = {}
    if plan.status == PlanStatus.CLOSED:
        results = {i.selection_id: i for i in Inspection.objects.filter(selection__in=list(page))}
    rows = [(s, [inspectors[c] for c in s.inspector_codes], results.get(s.pk)) for s in page]
    return render(request, "inspections/published_detail.html", {
        "plan": plan, "rows": rows, "page": page, "inspectors": list(inspectors.values()),
        "published": plan.status == PlanStatus.CLOSED,
    })


def published_proof(request, pk: int):
    """The proof as a JSON file to download (the same as GET /api/v1/inspection-plans/{id}/proof/)."""
    plan = InspectionPlan.objects.filter(drawn_at__isnull=False, pk=pk).first()
    if plan is None:
        raise Http404
    response = JsonResponse(build_proof(plan), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="proof-{plan.plan_uid}.json"'
    return response
