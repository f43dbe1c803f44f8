"""Complaint pages: the list with filters and figures, the figures by region and category, intake, one complaint
with the step its status allows, the audited reveal of the complainant's contact, attachments.

Every page starts from the user's complaints scope (outside → 404); complaints.services validates and writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.activities.attachments import content_type_for
from socorg.core.audit_labels import action_label, actor_label
from socorg.core.crypto import mask
from socorg.core.decorators import capability_required
from socorg.core.middleware import mark_no_store
from socorg.core.models import AuditEntry
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.regions.models import Region

from . import services
from .choices import Status
from .filters import complaint_list_filterset
from .forms import AcceptForm, AssignForm, ComplaintForm, ConcludeForm, InvestigateForm, ReplyForm
from .models import Complaint, ComplaintAttachment
from .queries import FIGURE_LABELS, TABLE_FIGURES, complaint_figures, complaint_totals, investigators
from .rules import mask_name

PAGE_SIZE = 50


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    if value == "all":
        return None
    return int(value) if value.isdigit() and 1990 <= int(value) <= 9999 else timezone.localdate().year


def _region(request) -> Region:
    return Region.objects.filter(code=request.GET.get("region") or "100000").first() or Region.objects.get(
        code="100000")


@capability_required("complaints.view")
def complaint_list(request):
    complaints = complaint_list_filterset(request.GET, request.user)
    page = list_page(request, complaints.qs, page_size(request, PAGE_SIZE))
    year = timezone.localdate().year
    # The panel shows the totals only: not the figures' per-region and per-category breakdowns (thousands of
    # grouped rows nationally, 44 ms outside SQL on the national set).
    totals = complaint_totals(region=Region.objects.get(code="100000"), year=year, user=request.user)
    return render(request, "complaints/complaint_list.html", {
        "filter": complaints, "page": page, "figures": totals, "year": year,
        "can_receive": request.user.has_capability("complaints.change"), "today": timezone.localdate(),
    })


@capability_required("complaints.view")
def complaint_figures_page(request):
    """Figures of a year (or all years) under a region: totals, by category, by child region; every number links
    to the complaints behind it."""
    year, region = _year(request), _region(request)
    figures = complaint_figures(region=region, year=year, user=request.user)
    columns = [(key, FIGURE_LABELS[key]) for key in TABLE_FIGURES]
    return render(request, "complaints/figures.html", {
        "figures": figures, "year": year, "region": region, "columns": columns,
        "total_cells": [(key, label, figures.totals[key]) for key, label in columns],
        "category_rows": [(value, label, [(key, counts[key]) for key in TABLE_FIGURES])
                          for value, label, counts in figures.by_category],
        "region_rows": [(r, direct, [(key, counts[key]) for key in TABLE_FIGURES])
                        for r, direct, counts in figures.by_region],
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    })


@capability_required("complaints.change")
def complaint_create(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            complaint = services.complaint_receive(actor=request.user, **values)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("Complaint %(no)s recorded. Give the complainant the receipt number and the "
                                        "status code %(code)s (shown only now).")
                             % {"no": complaint.receipt_no, "code": complaint.lookup_code})
            return mark_no_store(redirect("complaints:detail", pk=complaint.pk))
    return render(request, "complaints/complaint_form.html", {"form": form})


def _complaint(user, pk: int) -> Complaint:
    return get_object_or_404(Complaint.objects.visible_to(user, "view").select_related(
        "region", "organization", "assignee", "escalated_to", "received_by"), pk=pk)


def _detail(request, complaint: Complaint, *, revealed=None, forms=None):
    user = request.user
    can_change = can(user, "complaints.change", complaint.region_id)
    entries = AuditEntry.objects.filter(object_type=Complaint._meta.label_lower, object_id=str(complaint.pk))
    forms = forms or {}
    status = complaint.status
    return render(request, "complaints/complaint_detail.html", {
        "complaint": complaint, "revealed": revealed,
        "masked": {"name": mask_name(complaint.complainant_name),
                   "phone": mask(complaint.complainant_phone), "contact": mask(complaint.complainant_contact, 2, 2)},
        "has_contact": bool(complaint.complainant_name or complaint.complainant_phone
                            or complaint.complainant_contact),
        "can_change": can_change, "can_reveal": can(user, "complaints.reveal", complaint.region_id),
        "overdue": complaint.overdue_stage,
        "attachments": complaint.attachments.all(),
        "history": [(e.at, actor_label(e), action_label(e.action)) for e in entries.order_by("seq")[:50]],
        "accept_form": forms.get("accept") or (AcceptForm() if can_change and status == Status.RECEIVED else None),
        "assign_form": forms.get("assign") or (
            AssignForm(assignees=investigators(complaint.region))
            if can_change and status in (Status.ACCEPTED, Status.ASSIGNED) else None),
        "investigate_form": forms.get("investigate") or (
            InvestigateForm() if can_change and status == Status.ASSIGNED else None),
        "conclude_form": forms.get("conclude") or (
            ConcludeForm() if can_change and status == Status.INVESTIGATED else None),
        "reply_form": forms.get("reply") or (
            ReplyForm() if can_change and status in (Status.CONCLUDED, Status.NOT_ACCEPTED) else None),
    })


@capability_required("complaints.view")
def complaint_detail(request, pk: int):
    return _detail(request, _complaint(request.user, pk))


@capability_required("complaints.view")
@require_POST
def complaint_reveal(request, pk: int):
    """Rendered in the POST response (never redirected), so the plaintext is in no URL, history or cache."""
    complaint = _complaint(request.user, pk)
    revealed = services.complaint_reveal(complaint=complaint, actor=request.user)
    return mark_no_store(_detail(request, complaint, revealed=revealed))


def _step(request, pk: int, key: str, form, call, success: str):
    complaint = _complaint(request.user, pk)
    if not can(request.user, "complaints.change", complaint.region_id):
        raise PermissionDenied
    if form.is_valid():
        try:
            call(complaint, form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, success)
            return redirect("complaints:detail", pk=complaint.pk)
    return _detail(request, complaint, forms={key: form})


@capability_required("complaints.view")
@require_POST
def complaint_accept(request, pk: int):
    def call(complaint, data):
        services.complaint_accept(complaint=complaint, actor=request.user, accepted=data["decision"] == "accept",
                                  reasons=data["reasons"], decided_on=data["decided_on"])
    return _step(request, pk, "accept", AcceptForm(request.POST), call, _("The decision has been recorded."))


@capability_required("complaints.view")
@require_POST
def complaint_assign(request, pk: int):
    complaint = _complaint(request.user, pk)
    candidates = list(investigators(complaint.region))
    form = AssignForm(request.POST, assignees=candidates)

    def call(complaint, data):
        assignee = next((u for u in candidates if str(u.pk) == data["assignee"]), None)
        services.complaint_assign(complaint=complaint, actor=request.user, assignee=assignee, note=data["note"],
                                  assigned_on=data["assigned_on"])
    return _step(request, pk, "assign", form, call, _("The complaint has been assigned."))


@capability_required("complaints.view")
@require_POST
def complaint_investigate(request, pk: int):
    def call(complaint, data):
        services.complaint_investigate(complaint=complaint, actor=request.user, findings=data["findings"],
                                       investigated_on=data["investigated_on"], files=data["files"])
    return _step(request, pk, "investigate", InvestigateForm(request.POST, request.FILES), call,
                 _("The findings have been recorded."))


@capability_required("complaints.view")
@require_POST
def complaint_conclude(request, pk: int):
    def call(complaint, data):
        services.complaint_conclude(complaint=complaint, actor=request.user, **data)
    return _step(request, pk, "conclude", ConcludeForm(request.POST, request.FILES), call,
                 _("The conclusion has been recorded."))


@capability_required("complaints.view")
@require_POST
def complaint_reply(request, pk: int):
    def call(complaint, data):
        services.complaint_reply(complaint=complaint, actor=request.user, **data)
    return _step(request, pk, "reply", ReplyForm(request.POST), call, _("The reply has been recorded."))


@capability_required("complaints.view")
def attachment_download(request, pk: int):
    attachment = get_object_or_404(ComplaintAttachment.objects.visible_to(request.user, "view"), pk=pk)
    import os

    extension = os.path.splitext(attachment.name)[1].lower()
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                        content_type=content_type_for(extension))
