"""Registry pages. Every page starts from visible_to(user, …): outside the scope a page is 404. Views parse input
and render; registry.services validates and writes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.alerts.related import related_work
from socorg.core.audit_labels import changes
from socorg.core.concurrency import unless_stale, versioned_initial
from socorg.core.crypto import mask
from socorg.core.decorators import capability_required
from socorg.core.models import AuditEntry
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.party.choices import Formation, PartyOrgKind
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from socorg.party.rules import should_build_min_full_members

from . import services
from .filters import org_list_filterset
from .forms import OrganizationForm, StatusChangeForm
from .listing import add_labels, row_link
from .models import SocialOrganization
from .totals import org_list_total

MEMBERS_SHOWN = 100


def _org_or_404(user, uscc: str, action: str = "view") -> SocialOrganization:
    queryset = SocialOrganization.objects.visible_to(user, action).select_related("authority_region")
    return get_object_or_404(queryset, uscc=uscc.upper())


@capability_required("registry.view")
def org_list(request):
    orgs = org_list_filterset(request.GET, request.user)
    # The list shows no phone: do not decrypt one per row.
    page = list_page(request, orgs.qs.defer("phone"), page_size(request),
                     exact_count=lambda: org_list_total(orgs, request.user))
    detail_url = row_link("registry:detail", "uscc")
    add_labels(page.object_list, SocialOrganization, "org_type", "category", "status")
    for org in page.object_list:
        org.detail_url = detail_url(org.uscc)
    return render(request, "registry/org_list.html", {
        "filter": orgs, "page": page, "can_change": request.user.has_capability("registry.change"),
    })


@login_required
def org_detail(request, uscc: str):
    user = request.user
    org = _org_or_404(user, uscc)
    can_change = can(user, "registry.change", org.authority_region_id)
    coverages = list(PartyCoverage.objects.filter(organization=org).select_related("party_org").order_by("-start_on"))
    assignments = list(InstructorAssignment.objects.filter(organization=org).select_related("instructor")
                       .order_by("-start_on"))
    _link_visible(user, coverages, "party_org", PartyOrganization, "party:party_org_detail")
    _link_visible(user, assignments, "instructor", Instructor, "party:instructor_detail")
    today = timezone.localdate()
    covering = [c.party_org for c in coverages
                if c.start_on <= today and (c.end_on is None or c.end_on > today) and c.party_org.url]
    return render(request, "registry/org_detail.html", {
        "org": org,
        "phone": org.phone if can_change else mask(org.phone),
        "can_change": can_change,
        "coverages": coverages,
        "assignments": assignments,
        "related": related_work(user, party_orgs=covering, organization=org),
        "build_party_org_url": _build_party_org_url(user, org),
        "should_build_min": should_build_min_full_members(),
        **_members_context(user, org),
        "history": _history(org),
        "obstacles": services.deletion_obstacles(org) if can_change else [],
        **_reports_context(user, org),
        **_credit_context(user, org),
        "status_form": StatusChangeForm(),
    })


def _link_visible(user, rows, attribute: str, model, viewname: str) -> None:
    """Give each row's party organization / instructor a `url` when the user may open its page."""
    targets = [getattr(row, attribute) for row in rows]
    visible = set(model.objects.visible_to(user, "view").filter(pk__in=[t.pk for t in targets])
                  .values_list("pk", flat=True))
    for target in targets:
        target.url = reverse(viewname, args=[target.pk]) if target.pk in visible else ""


def _build_party_org_url(user, org) -> str:
    """「组建党组织」: for an active organization flagged 应建未建 (≥3 full members, no standalone party
    organization), the creation form prefilled with a standalone branch covering it; "" when not offered."""
    flagged = org.is_active and org.full_members >= should_build_min_full_members() and not org.standalone
    if not flagged or not can(user, "party.change", org.authority_region_id):
        return ""
    prefill = {"name": _("%(org)s party branch") % {"org": org.name}, "kind": PartyOrgKind.BRANCH,
               "formation": Formation.STANDALONE, "region": org.authority_region_id, "organizations": org.uscc}
    return f"{reverse('party:party_org_create')}?{urlencode(prefill)}"


HISTORY_SHOWN = 100


def _history(org) -> list:
    """The organization's audit entries, each with (label, before, after) rows in the user's language."""
    entries = list(AuditEntry.objects.filter(object_type=org._meta.label_lower, object_id=str(org.pk))[:HISTORY_SHOWN])
    for entry in entries:
        entry.changes = changes(entry)
    return entries


def _reports_context(user, org) -> dict:
    """The organization's annual reports (the reports app), for those who may read them."""
    if not user.has_capability("reports.view"):
        return {}
    from socorg.reports.models import AnnualReport

    reports = AnnualReport.objects.visible_to(user, "view").filter(organization=org).order_by("-year")[:10]
    return {"annual_reports": list(reports), "reports_visible": True,
            "last_year": timezone.localdate().year - 1}


def _credit_context(user, org) -> dict:
    """The organization's credit history (the credit app), for those who may read it."""
    from socorg.credit.views import credit_history

    return credit_history(user, org)


def _members_context(user, org) -> dict:
    """Members employed by the organization, as far as the user may see members at all; ID numbers masked."""
    if not user.has_capability("members.view"):
        return {"members_visible": False}
    members = PartyMember.objects.visible_to(user, "view").filter(employer=org, is_active=True)
    shown = list(members.select_related("party_org")[:MEMBERS_SHOWN])
    for member in shown:
        member.id_number_masked = mask(member.id_number, 3, 4)
    return {"members_visible": True, "members": shown, "member_count": members.count()}


@capability_required("registry.change")
def org_create(request):
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("%(org)s has been registered.") % {"org": org.name})
            return redirect("registry:detail", uscc=org.uscc)
    return render(request, "registry/org_form.html", {"form": form, "org": None})


@login_required
def org_edit(request, uscc: str):
    org = _org_or_404(request.user, uscc, "change")
    form = OrganizationForm(request.POST or None, user=request.user,
                            initial=versioned_initial(OrganizationForm.initial_from(org), org))
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name in form.changed_data}
        try:
            org = unless_stale(org, form.version, lambda: services.org_update(org=org, actor=request.user, **changes))
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("%(org)s has been updated.") % {"org": org.name})
            return redirect("registry:detail", uscc=org.uscc)
    return render(request, "registry/org_form.html", {"form": form, "org": org})


def _status_change(request, uscc: str, service, template_title: str, done_message: str):
    org = _org_or_404(request.user, uscc, "change")
    form = StatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(org=org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, done_message % {"org": org.name})
            return redirect("registry:detail", uscc=org.uscc)
    return render(request, "registry/org_status_change.html", {"form": form, "org": org, "title": template_title})


@login_required
def org_deregister(request, uscc: str):
    return _status_change(request, uscc, services.org_deregister, _("Deregister"),
                          _("%(org)s has been deregistered."))


@login_required
def org_revoke(request, uscc: str):
    return _status_change(request, uscc, services.org_revoke, _("Revoke registration"),
                          _("The registration of %(org)s has been revoked."))


@login_required
def org_suspend(request, uscc: str):
    return _status_change(request, uscc, services.org_suspend, _("Suspend activities for a set period"),
                          _("The activities of %(org)s have been suspended."))


@login_required
def org_resume(request, uscc: str):
    return _status_change(request, uscc, services.org_resume, _("End the suspension"),
                          _("%(org)s is back to normal status."))


@login_required
def org_revoke_certificate(request, uscc: str):
    return _status_change(request, uscc, services.org_revoke_certificate, _("Revoke the registration certificate"),
                          _("The registration certificate of %(org)s has been revoked."))


@login_required
@require_POST
def org_delete(request, uscc: str):
    org = _org_or_404(request.user, uscc, "change")
    try:
        services.org_delete(org=org, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("registry:detail", uscc=org.uscc)
    messages.success(request, _("%(org)s has been deleted.") % {"org": org.name})
    return redirect("registry:list")
