"""Zombie screening pages: the worklist of cases (filters, figures per region), starting a screening run, one case
with its evidence and the three ways it ends, documents. Scope: visible_to (outside → 404); exits.services writes."""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.activities.attachments import content_type_for
from socorg.core.decorators import capability_required
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.regions.models import Region

from . import services
from .choices import CaseStatus, Criterion
from .filters import case_list_filterset
from .forms import DeregisterForm, RectifyForm, RevokeForm, RunForm
from .models import CaseDocument, ScreeningCase, ScreeningRun
from .queries import exit_figures

PAGE_SIZE = 50


@capability_required("exits.view")
def case_list(request):
    cases = case_list_filterset(request.GET, request.user)
    page = list_page(request, cases.qs, page_size(request, PAGE_SIZE))
    region = Region.objects.filter(code=request.GET.get("region") or "100000").first() or Region.objects.get(
        code="100000")
    figures = exit_figures(region=region, user=request.user)
    criteria = dict(Criterion.choices)
    return render(request, "exits/case_list.html", {
        "filter": cases, "page": page, "region": region, "figures": figures,
        "rows": [(r, direct, counts) for r, direct, counts in figures["rows"]],
        "criteria_labels": criteria, "run_form": RunForm(initial={"region": region.code}),
        "can_run": request.user.has_capability("exits.change"),
        "runs": ScreeningRun.objects.visible_to(request.user, "view").select_related("region")[:5],
    })


@capability_required("exits.change")
@require_POST
def run_start(request):
    form = RunForm(request.POST)
    if form.is_valid():
        region = Region.objects.filter(code=form.cleaned_data["region"].strip()).first()
        if region is None:
            messages.error(request, _("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                      "530000.") % {"code": form.cleaned_data["region"]})
            return redirect("exits:list")
        try:
            run = services.screening_run(region=region, actor=request.user, as_of=form.cleaned_data["as_of"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("exits:list")
        messages.success(request, _("Screening done: %(opened)d new cases, %(open)d already open.")
                         % {"opened": run.opened, "open": run.already_open})
        return redirect(f"/exits/?run={run.pk}&region={region.code}")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("exits:list")


def _case(user, pk: int) -> ScreeningCase:
    return get_object_or_404(ScreeningCase.objects.visible_to(user, "view").select_related(
        "organization", "organization__authority_region", "run", "penalty"), pk=pk)


def _detail(request, case, forms=None):
    forms = forms or {}
    can_close = case.status == CaseStatus.OPEN and can(request.user, "exits.change",
                                                       case.organization.authority_region_id)
    criteria = dict(Criterion.choices)
    return render(request, "exits/case_detail.html", {
        "case": case, "evidence": [(criteria.get(code, code), detail) for code, detail in case.evidence.items()],
        "documents": case.documents.all(), "can_close": can_close,
        "rectify_form": forms.get("rectify") or RectifyForm(),
        "deregister_form": forms.get("deregister") or DeregisterForm(),
        "revoke_form": forms.get("revoke") or RevokeForm(),
    })


@capability_required("exits.view")
def case_detail(request, pk: int):
    return _detail(request, _case(request.user, pk))


def _close(request, pk, key, form, call, success):
    case = _case(request.user, pk)
    if not can(request.user, "exits.change", case.organization.authority_region_id):
        raise PermissionDenied
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, success)
            return redirect("exits:detail", pk=case.pk)
    return _detail(request, case, {key: form})


@capability_required("exits.view")
@require_POST
def case_rectify(request, pk: int):
    return _close(request, pk, "rectify", RectifyForm(request.POST, request.FILES),
                  lambda case, data: services.case_rectify(case=case, actor=request.user, **data),
                  _("The case is closed as rectified."))


@capability_required("exits.view")
@require_POST
def case_deregister(request, pk: int):
    return _close(request, pk, "deregister", DeregisterForm(request.POST, request.FILES),
                  lambda case, data: services.case_deregister(case=case, actor=request.user, **data),
                  _("The organization is deregistered and the case closed."))


@capability_required("exits.view")
@require_POST
def case_revoke(request, pk: int):
    return _close(request, pk, "revoke", RevokeForm(request.POST, request.FILES),
                  lambda case, data: services.case_revoke(case=case, actor=request.user, **data),
                  _("The penalty is recorded, the organization's registration ended and the case closed."))


@capability_required("exits.view")
def document_download(request, pk: int):
    document = get_object_or_404(CaseDocument.objects.visible_to(request.user, "view"), pk=pk)
    extension = os.path.splitext(document.name)[1].lower()
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name,
                        content_type=content_type_for(extension))
