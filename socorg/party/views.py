"""Pages under /party/: party organizations, members, instructors. Every read starts from the user's scope
(outside → 404); writes go through party.services, whose field errors are shown inline on the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.alerts.related import related_work
from socorg.core.concurrency import unless_stale, versioned_initial
from socorg.core.crypto import mask
from socorg.core.decorators import capability_required
from socorg.core.middleware import mark_no_store
from socorg.core.pagination import list_page, page_size
from socorg.core.pickers import PICKER_LIMIT, picker_text, within_capability
from socorg.core.scope import can
from socorg.core.search import search
from socorg.registry.listing import add_labels, row_link

from . import queries, services
from .filters import (
    instructor_list_filterset,
    lookup_keys,
    member_list_filterset,
    party_org_list_filterset,
)
from .forms import DateForm, InstructorForm, MemberForm, OrganizationDateForm, PartyOrganizationForm
from .models import InstructorAssignment, PartyCoverage, PartyOrganization

PAGE_SIZE = 50


def _page(request, filterset, *, labels=(), links=None):
    """The requested page, its rows carrying `<field>_label` for each choice field in `labels` and one URL
    attribute per entry of `links` ({attribute: (view name, function row -> argument)}), prepared once per page."""
    page = list_page(request, filterset.qs, page_size(request))
    add_labels(page.object_list, filterset.queryset.model, *labels)
    for attribute, (viewname, argument) in (links or {}).items():
        link = row_link(viewname)
        for row in page.object_list:
            setattr(row, attribute, link(argument(row)))
    return page


@login_required
def party_org_pick(request):
    """Suggestions of the party-organization picker (core.pickers): visible party organizations matching the text
    by name, pinyin or initials (active ones first), narrowed to the picker's capability when it names one."""
    text = picker_text(request)
    party_orgs = PartyOrganization.objects.visible_to(request.user, "view").select_related("region")
    if request.GET.get("capability"):
        party_orgs = within_capability(party_orgs, request.user, request.GET["capability"], "region__code")
    party_orgs = search(party_orgs, text, page=PICKER_LIMIT + 1, counted=False) if text.strip() else party_orgs.none()
    found = list(party_orgs.order_by("status", "name_pinyin")[:PICKER_LIMIT + 1])
    options = [{"value": p.name, "label": p.name, "detail": f"{p.get_kind_display()} · {p.region.full_name}",
                "description": ""} for p in found[:PICKER_LIMIT]]
    return render(request, "includes/picker_results.html",
                  {"options": options, "more": len(found) > PICKER_LIMIT, "text": text})


def _submit(form, action):
    """Run a service call for a valid form; a refusal becomes form errors. Returns the result or None."""
    if not form.is_valid():
        return None
    try:
        return action(form.service_values() if hasattr(form, "service_values") else form.cleaned_data)
    except ValidationError as error:
        form.apply_errors(error)
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You may not make this change."))
    return None


def _run_action(request, action, success: str) -> None:
    """A POST action from a detail page: flash the outcome (errors named by field) and go back."""
    try:
        action()
        messages.success(request, success)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)


def _day(request):
    form = DateForm(request.POST)
    return form.cleaned_data["day"] if form.is_valid() else None


# --- party organizations --------------------------------------------------------------------------------------

@capability_required("party.view")
def party_org_list(request):
    filterset = party_org_list_filterset(request.GET, request.user)
    return render(request, "party/party_org_list.html", {
        "filter": filterset,
        "page": _page(request, filterset, labels=("kind", "formation", "status"),
                      links={"detail_url": ("party:party_org_detail", lambda p: p.pk)}),
        "can_add": request.user.has_capability("party.change"),
        "show_members": request.user.has_capability("members.view")})


@capability_required("party.view")
def party_org_detail(request, pk: int):
    party_org = get_object_or_404(queries.party_orgs_for(request.user), pk=pk)
    user = request.user
    children = queries.party_orgs_for(user).filter(parent=party_org).order_by("status", "name_pinyin")
    members = queries.members_for(user).filter(party_org=party_org, is_active=True)
    return render(request, "party/party_org_detail.html", {
        "party_org": party_org,
        "warnings": services.warnings_for(party_org),
        "coverages": party_org.coverages.select_related("organization").order_by("end_on", "-start_on", "pk"),
        "children": children,
        "members": members[:PAGE_SIZE] if user.has_capability("members.view") else None,
        "member_count": members.count() if user.has_capability("members.view") else None,
        "can_change": can(user, "party.change", party_org.region_id),
        "can_add_member": can(user, "members.change", party_org.region_id) and party_org.is_active,
        "coverage_form": OrganizationDateForm(), "date_form": DateForm(),
        "related": related_work(user, party_orgs=[party_org]),
    })


# Fields a link may prefill on the creation form (e.g. 「组建党组织」 on an organization flagged 应建未建).
PREFILLED = ("name", "kind", "formation", "region", "organizations")


@capability_required("party.change")
def party_org_create(request):
    prefill = {name: request.GET[name] for name in PREFILLED if name in request.GET}
    form = PartyOrganizationForm(request.POST or None, user=request.user, creating=True, initial=prefill)
    if request.method == "POST":
        party_org = _submit(form, lambda v: services.party_org_create(actor=request.user, **v))
        if party_org:
            messages.success(request, _("Party organization “%(name)s” created.") % {"name": party_org.name})
            return redirect("party:party_org_detail", pk=party_org.pk)
    return render(request, "party/form.html", {"form": form, "title": _("New party organization"),
                                                "cancel": reverse("party:party_org_list")})


@capability_required("party.change")
def party_org_edit(request, pk: int):
    party_org = get_object_or_404(queries.party_orgs_for(request.user), pk=pk)
    form = PartyOrganizationForm(request.POST or None, user=request.user, creating=False,
                                 initial=versioned_initial(PartyOrganizationForm.initial_for(party_org), party_org))
    if request.method == "POST":
        updated = _submit(form, lambda v: unless_stale(party_org, form.version, lambda: services.party_org_update(
            party_org=party_org, actor=request.user, **v)))
        if updated:
            messages.success(request, _("Changes saved."))
            return redirect("party:party_org_detail", pk=pk)
    return render(request, "party/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": party_org.name},
                                                "cancel": reverse("party:party_org_detail", args=[pk])})


@login_required
@require_POST
def party_org_dissolve(request, pk: int):
    party_org = get_object_or_404(queries.party_orgs_for(request.user), pk=pk)
    day = _day(request)
    _run_action(request, lambda: services.party_org_dissolve(party_org=party_org, actor=request.user,
                                                             dissolved_on=day or timezone.localdate()),
                _("The party organization was dissolved."))
    return redirect("party:party_org_detail", pk=pk)


@login_required
@require_POST
def party_coverage_add(request, pk: int):
    party_org = get_object_or_404(queries.party_orgs_for(request.user), pk=pk)
    form = OrganizationDateForm(request.POST)

    def add():
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        organization = services.resolve_organization(form.cleaned_data["organization"], request.user)
        services.coverage_add(party_org=party_org, organization=organization,
                              start_on=form.cleaned_data["start_on"], actor=request.user)

    _run_action(request, add, _("The organization is now covered."))
    return redirect("party:party_org_detail", pk=pk)


@login_required
@require_POST
def party_coverage_end(request, pk: int, coverage_id: int):
    party_org = get_object_or_404(queries.party_orgs_for(request.user), pk=pk)
    coverage = get_object_or_404(PartyCoverage.objects.select_related("party_org"), pk=coverage_id, party_org=party_org)
    day = _day(request)
    _run_action(request, lambda: services.coverage_end(coverage=coverage, end_on=day, actor=request.user),
                _("The coverage ended."))
    return redirect("party:party_org_detail", pk=pk)


# --- members ------------------------------------------------------------------------------------------------------

@capability_required("members.view")
def member_list(request):
    filterset = member_list_filterset(request.GET, request.user)
    return render(request, "party/member_list.html", {
        "filter": filterset,
        "page": _page(request, filterset, labels=("membership",),
                      links={"detail_url": ("party:member_detail", lambda m: m.pk),
                             "party_org_url": ("party:party_org_detail", lambda m: m.party_org_id)}),
        "can_add": request.user.has_capability("members.change"), "show_members": True})


def _member_page(request, member, revealed=None):
    user = request.user
    return render(request, "party/member_detail.html", {
        "member": member, "revealed": revealed,
        "id_number_masked": mask(member.id_number), "phone_masked": mask(member.phone),
        "can_change": can(user, "members.change", member.party_org.region_id),
        "can_reveal": can(user, "members.reveal", member.party_org.region_id),
        "date_form": DateForm(),
    })


@capability_required("members.view")
def member_detail(request, pk: int):
    return _member_page(request, get_object_or_404(queries.members_for(request.user), pk=pk))


@capability_required("members.view")
@require_POST
def member_reveal(request, pk: int):
    """Rendered in the POST response (never redirected), so the plaintext is in no URL, history or cache."""
    member = get_object_or_404(queries.members_for(request.user), pk=pk)
    revealed = services.member_reveal(member=member, actor=request.user)
    return mark_no_store(_member_page(request, member, revealed))


@capability_required("members.change")
def member_create(request):
    initial = {"party_org": request.GET.get("party_org", ""), "employer": request.GET.get("employer", "")}
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        member = _submit(form, lambda v: services.member_add(actor=request.user, **v))
        if member:
            messages.success(request, _("Member “%(name)s” added.") % {"name": member.name})
            return redirect("party:member_detail", pk=member.pk)
    return render(request, "party/form.html", {"form": form, "title": _("New party member"),
                                                "cancel": reverse("party:member_list")})


@capability_required("members.change")
def member_edit(request, pk: int):
    member = get_object_or_404(queries.members_for(request.user), pk=pk)
    form = MemberForm(request.POST or None, user=request.user, member=member,
                      initial=versioned_initial(MemberForm.initial_for(member), member))
    update = lambda v: unless_stale(member, form.version,  # noqa: E731
                                    lambda: services.member_update(member=member, actor=request.user, **v))
    if request.method == "POST" and _submit(form, update):
        messages.success(request, _("Changes saved."))
        return redirect("party:member_detail", pk=pk)
    return render(request, "party/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": member.name},
                                                "cancel": reverse("party:member_detail", args=[pk])})


@login_required
@require_POST
def member_leave(request, pk: int):
    member = get_object_or_404(queries.members_for(request.user), pk=pk)
    day = _day(request)
    _run_action(request, lambda: services.member_leave(member=member, left_on=day, actor=request.user),
                _("The member's record is now inactive."))
    return redirect("party:member_detail", pk=pk)


# --- instructors ----------------------------------------------------------------------------------------------

@capability_required("party.view")
def instructor_list(request):
    filterset = instructor_list_filterset(request.GET, request.user)
    return render(request, "party/instructor_list.html", {
        "filter": filterset,
        "page": _page(request, filterset, labels=("kind", "status"),
                      links={"detail_url": ("party:instructor_detail", lambda i: i.pk)}),
        "can_add": request.user.has_capability("party.change"),
        "show_members": request.user.has_capability("members.view")})


@capability_required("party.view")
def instructor_detail(request, pk: int):
    instructor = get_object_or_404(queries.instructors_for(request.user), pk=pk)
    return render(request, "party/instructor_detail.html", {
        "instructor": instructor, "phone_masked": mask(instructor.phone),
        "assignments": instructor.assignments.select_related("organization").order_by("end_on", "-start_on"),
        "can_change": can(request.user, "party.change", instructor.region_id),
        "assignment_form": OrganizationDateForm(), "date_form": DateForm(),
    })


@capability_required("party.change")
def instructor_create(request):
    form = InstructorForm(request.POST or None)
    if request.method == "POST":
        instructor = _submit(form, lambda v: services.instructor_create(actor=request.user, **v))
        if instructor:
            messages.success(request, _("“%(name)s” added.") % {"name": instructor.name})
            return redirect("party:instructor_detail", pk=instructor.pk)
    return render(request, "party/form.html", {"form": form, "title": _("New instructor or liaison"),
                                                "cancel": reverse("party:instructor_list")})


@capability_required("party.change")
def instructor_edit(request, pk: int):
    instructor = get_object_or_404(queries.instructors_for(request.user), pk=pk)
    form = InstructorForm(request.POST or None, instructor=instructor,
                          initial=versioned_initial(InstructorForm.initial_for(instructor), instructor))
    update = lambda v: unless_stale(instructor, form.version,  # noqa: E731
                                    lambda: services.instructor_update(instructor=instructor, actor=request.user, **v))
    if request.method == "POST" and _submit(form, update):
        messages.success(request, _("Changes saved."))
        return redirect("party:instructor_detail", pk=pk)
    return render(request, "party/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": instructor.name},
                                                "cancel": reverse("party:instructor_detail", args=[pk])})


@login_required
@require_POST
def instructor_leave(request, pk: int):
    instructor = get_object_or_404(queries.instructors_for(request.user), pk=pk)
    day = _day(request)
    _run_action(request, lambda: services.instructor_leave(instructor=instructor, left_on=day, actor=request.user),
                _("The instructor left the post; open assignments ended."))
    return redirect("party:instructor_detail", pk=pk)


@login_required
@require_POST
def assignment_add(request, pk: int):
    instructor = get_object_or_404(queries.instructors_for(request.user), pk=pk)
    form = OrganizationDateForm(request.POST)

    def add():
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        organization = services.resolve_organization(form.cleaned_data["organization"], request.user)
        services.assignment_add(instructor=instructor, organization=organization,
                                start_on=form.cleaned_data["start_on"], actor=request.user)

    _run_action(request, add, _("The assignment was added."))
    return redirect("party:instructor_detail", pk=pk)


@login_required
@require_POST
def assignment_end(request, pk: int, assignment_id: int):
    instructor = get_object_or_404(queries.instructors_for(request.user), pk=pk)
    assignment = InstructorAssignment.objects.select_related("instructor").filter(
        pk=assignment_id, instructor=instructor).first()
    if assignment is None:
        raise Http404
    day = _day(request)
    _run_action(request, lambda: services.assignment_end(assignment=assignment, end_on=day, actor=request.user),
                _("The assignment ended."))
    return redirect("party:instructor_detail", pk=pk)


@capability_required("members.view", "party.view")
@require_POST
def person_find(request, kind: str):
    """Look a member up by ID number, or an instructor by phone, without the number in any address: the POSTed
    value becomes its blind-index key and the list is shown filtered by that key."""
    keys = lookup_keys(request.POST)
    target = {"member": "party:member_list", "instructor": "party:instructor_list"}[kind]
    return redirect(f"{reverse(target)}?{urlencode(keys)}" if keys else reverse(target))
