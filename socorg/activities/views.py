"""Organizational-life pages. Every page starts from visible_to(user, …): outside the scope a page is 404. Views
parse input and render; activities.services validates and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.core.concurrency import unless_stale, versioned_initial
from socorg.core.decorators import capability_required
from socorg.core.models import AuditEntry
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.party.models import PartyOrganization

from . import services
from .filters import activity_list_filterset
from .forms import ActivityForm, AttachmentForm
from .models import Activity, Attachment


def _activity_or_404(user, pk: int, action: str = "view") -> Activity:
    queryset = Activity.objects.visible_to(user, action).select_related("party_org", "party_org__region",
                                                                        "created_by")
    return get_object_or_404(queryset, pk=pk)


@capability_required("activities.view")
def activity_list(request):
    activities = activity_list_filterset(request.GET, request.user)
    page = list_page(request, activities.qs, page_size(request))
    return render(request, "activities/activity_list.html", {
        "filter": activities, "page": page, "can_change": request.user.has_capability("activities.change"),
    })


@login_required
def activity_detail(request, pk: int):
    activity = _activity_or_404(request.user, pk)
    can_change = can(request.user, "activities.change", activity.party_org.region_id,
                     organizations=activity.party_org.organization_ids())
    sees_members = can(request.user, "members.view", activity.party_org.region_id)
    return render(request, "activities/activity_detail.html", {
        "activity": activity,
        # Who attended: only for users who may see the branch's members (party membership is sensitive data).
        "sees_members": sees_members,
        "members": services.members_on(activity.party_org, activity.date).order_by("name", "pk")
        if sees_members else (),
        "attendees": set(activity.attendances.values_list("member_id", flat=True)) if sees_members else set(),
        "attachments": activity.attachments.select_related("uploaded_by"),
        "can_change": can_change,
        "attachment_form": AttachmentForm(),
        "history": AuditEntry.objects.filter(object_type=activity._meta.label_lower, object_id=str(activity.pk))[:50],
    })


@capability_required("activities.change")
def activity_create(request):
    # ?party_org=<id> from a party organization's page: the form shows (and takes) the organization's name.
    chosen = request.GET.get("party_org", "").strip()
    party_org = (PartyOrganization.objects.visible_to(request.user, "view").filter(pk=chosen).first()
                 if chosen.isdigit() else None)
    initial = {"party_org": party_org.name if party_org else chosen} if chosen else None
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": None})


@login_required
def activity_edit(request, pk: int):
    activity = _activity_or_404(request.user, pk, "change")
    form = ActivityForm(request.POST or None, user=request.user,
                        initial=versioned_initial(ActivityForm.initial_from(activity), activity))
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name in form.changed_data}
        try:
            activity = unless_stale(activity, form.version, lambda: services.activity_update(
                activity=activity, actor=request.user, **changes))
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The record has been updated."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = _activity_or_404(request.user, pk, "change")
    services.activity_delete(activity=activity, actor=request.user)
    messages.success(request, _("The record has been deleted."))
    return redirect("activities:list")


@login_required
@require_POST
def attachment_upload(request, pk: int):
    activity = _activity_or_404(request.user, pk, "change")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(activity=activity, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The file has been attached."))
            return redirect("activities:detail", pk=activity.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user, "change")
                                   .select_related("activity__party_org"), pk=pk)
    services.attachment_remove(attachment=attachment, actor=request.user)
    messages.success(request, _("The file has been removed."))
    return redirect("activities:detail", pk=attachment.activity_id)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user, "view"), pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=attachment.kind != "photo",
                        filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_POST
def attendance_save(request, pk: int):
    """The attendee selection of the detail page: the ticked members become the attendee list."""
    activity = _activity_or_404(request.user, pk, "change")
    ids = [value for value in request.POST.getlist("members") if value.isdigit()]
    try:
        services.attendance_set(activity=activity, members=ids, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attendance has been saved: %(count)d members attended.")
                         % {"count": len(ids)})
    return redirect("activities:detail", pk=activity.pk)
