"""Notice pages: staff write, publish and follow notices (completion table); every account reads its inbox.

Staff pages start from the user's notices scope (outside → 404); the inbox from the user's own receipts (another
account's receipt → 404); notices.services validates and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.activities.attachments import content_type_for
from socorg.core.decorators import capability_required
from socorg.core.pagination import list_page, page_size
from socorg.core.xlsx import XLSX_TYPE, XlsxWriter

from . import services
from .choices import NoticeStatus, ReceiptState
from .forms import NoticeForm, ResponseForm
from .models import Notice, NoticeAttachment, NoticeReceipt
from .queries import completion, inbox, receipt_state, state_filter

PAGE_SIZE = 50
FORM_FIELDS = ("title", "body", "region", "roles", "org_types", "categories", "bodies", "organizations", "pinned",
               "expires_on", "response_kind", "response_due_on", "remind_after_days")


def _notice_or_404(user, pk: int, action: str = "view") -> Notice:
    return get_object_or_404(Notice.objects.visible_to(user, action).select_related("region"), pk=pk)


@capability_required("notices.view")
def notice_list(request):
    notices = Notice.objects.visible_to(request.user, "view").select_related("region")
    status = request.GET.get("status", "")
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    page = list_page(request, notices.order_by("-created_at", "-pk"), page_size(request))
    rows = [(notice, completion(notice) if notice.status != NoticeStatus.DRAFT else None) for notice in page]
    return render(request, "notices/notice_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": NoticeStatus.choices,
        "can_send": request.user.has_capability("notices.send")})


def _save(request, form: NoticeForm, notice: Notice | None):
    values = {name: form.cleaned_data.get(name) for name in FORM_FIELDS}
    try:
        return services.notice_save(actor=request.user, notice=notice, attachments=form.cleaned_data["attachments"],
                                    remove_attachments=[v for v in request.POST.getlist("remove_attachment")
                                                        if v.isdigit()],
                                    **values)
    except ValidationError as error:
        form.apply_service_errors(error)
        return None


@capability_required("notices.send")
def notice_new(request):
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notice = _save(request, form, None)
        if notice is not None:
            messages.success(request, _("The draft has been saved. Check it, then publish it."))
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form, "notice": None})


@capability_required("notices.send")
def notice_edit(request, pk: int):
    notice = _notice_or_404(request.user, pk, "send")
    if notice.status != NoticeStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("notices:detail", pk=notice.pk)
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user,
                      initial=NoticeForm.initial_from(notice))
    if request.method == "POST" and form.is_valid() and _save(request, form, notice) is not None:
        messages.success(request, _("The draft has been saved."))
        return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form, "notice": notice})


@capability_required("notices.view")
def notice_detail(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    receipts = notice.receipts.select_related("recipient", "organization").order_by("read_at", "pk")
    state = request.GET.get("state", "")
    condition = state_filter(state, notice) if state else None
    if condition is not None:
        receipts = receipts.filter(condition)
    page = list_page(request, receipts, page_size(request))
    labels = dict(ReceiptState.choices)
    return render(request, "notices/notice_detail.html", {
        "notice": notice, "figures": completion(notice), "page": page, "state": state,
        "states": [(value, label) for value, label in ReceiptState.choices
                   if notice.asks_response or value in (ReceiptState.UNREAD, ReceiptState.READ)],
        "rows": [(r, labels[receipt_state(r)]) for r in page],
        "can_send": notice.status != NoticeStatus.WITHDRAWN and Notice.objects.visible_to(
            request.user, "send").filter(pk=notice.pk).exists(),
        "attachments": notice.attachments.all(),
    })


def _act(request, pk: int, action, success: str):
    notice = _notice_or_404(request.user, pk, "send")
    try:
        result = action(notice=notice, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"count": result if isinstance(result, int) else 0})
    return redirect("notices:detail", pk=notice.pk)


@capability_required("notices.send")
@require_POST
def notice_publish(request, pk: int):
    return _act(request, pk, services.notice_publish, _("The notice has been published."))


@capability_required("notices.send")
@require_POST
def notice_withdraw(request, pk: int):
    return _act(request, pk, services.notice_withdraw, _("The notice has been withdrawn."))


@capability_required("notices.send")
@require_POST
def notice_remind(request, pk: int):
    return _act(request, pk, services.notice_remind_now, _("%(count)d recipients who have not read it were "
                                                           "reminded."))


@capability_required("notices.view")
def notice_receipts_export(request, pk: int):
    """The completion table as a workbook (core.xlsx)."""
    notice = _notice_or_404(request.user, pk)
    labels = dict(ReceiptState.choices)
    book = XlsxWriter()
    sheet = book.create_sheet(_("Completion"))
    sheet.append([_("recipient"), _("social organization"), _("delivered at"), _("read at"), _("reminders sent"),
                  _("responded at"), _("reply"), _("uploaded file name"), _("state")])
    for receipt in notice.receipts.select_related("recipient", "organization", "notice").order_by("pk").iterator():
        sheet.append([str(receipt.recipient), receipt.organization.name if receipt.organization else "",
                      _local(receipt.delivered_at), _local(receipt.read_at), receipt.reminders_sent,
                      _local(receipt.responded_at), receipt.reply, receipt.reply_file_name,
                      str(labels[receipt_state(receipt)])])
    response = HttpResponse(book.to_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-receipts.xlsx"'
    return response


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@login_required
def attachment_download(request, pk: int):
    """A notice's attachment: for staff who see the notice, and for its recipients while it is current."""
    attachment = NoticeAttachment.objects.filter(pk=pk).select_related("notice").first()
    if attachment is None:
        raise Http404
    visible = NoticeAttachment.objects.visible_to(request.user, "view").filter(pk=pk).exists() or (
        attachment.notice.is_current and attachment.notice.receipts.filter(recipient=request.user).exists())
    if not visible:
        raise Http404
    import os

    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                        content_type=content_type_for(os.path.splitext(attachment.name)[1].lower()))


@login_required
def reply_file_download(request, pk: int):
    """A recipient's uploaded file: for the recipient and for staff who see the notice."""
    receipt = NoticeReceipt.objects.filter(pk=pk).exclude(reply_file="").first()
    if receipt is None or not (receipt.recipient_id == request.user.pk or NoticeReceipt.objects.visible_to(
            request.user, "view").filter(pk=pk).exists()):
        raise Http404
    import os

    return FileResponse(receipt.reply_file.open("rb"), as_attachment=True, filename=receipt.reply_file_name,
                        content_type=content_type_for(os.path.splitext(receipt.reply_file_name)[1].lower()))


@login_required
def inbox_list(request):
    receipts = inbox(request.user)
    owed = request.GET.get("owed") == "1"
    if owed:
        receipts = receipts.exclude(notice__response_kind="none").filter(responded_at__isnull=True)
    page = list_page(request, receipts, page_size(request))
    labels = dict(ReceiptState.choices)
    return render(request, "notices/inbox.html", {
        "page": page, "owed": owed, "rows": [(r, labels[receipt_state(r)]) for r in page],
        "can_send": request.user.has_capability("notices.send")})


@login_required
def inbox_detail(request, pk: int):
    """Opening a notice records the read receipt; a POST is the reply or file the notice asks for."""
    receipt = get_object_or_404(inbox(request.user), pk=pk)
    try:
        receipt = services.notice_read(receipt=receipt, actor=request.user)
    except (ValidationError, PermissionDenied):
        raise Http404 from None
    form = ResponseForm(request.POST or None, request.FILES or None,
                        initial={"reply": receipt.reply})
    if receipt.notice.response_kind == "reply":
        del form.fields["file"]
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_respond(receipt=receipt, actor=request.user, reply=form.cleaned_data["reply"],
                                    file=form.cleaned_data["file"])
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("Your response has been sent."))
            return redirect("notices:inbox-detail", pk=receipt.pk)
    labels = dict(ReceiptState.choices)
    return render(request, "notices/inbox_detail.html", {
        "receipt": receipt, "notice": receipt.notice, "form": form, "state": labels[receipt_state(receipt)],
        "attachments": receipt.notice.attachments.all()})
