"""Credit pages: the lists (filter, search, pages, Excel), the candidates, a listing decision, one entry (removal,
objections, the supervising unit's statement), penalties, and an organization's credit record (letters, findings).

Every page starts from the user's credit scope (outside → 404); credit.services validates and writes."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.models import AuditEntry
from socorg.core.pagination import BoundedPaginator, list_page, page_size
from socorg.core.scope import can, region_prefix_of
from socorg.core.xlsx import XlsxWriter
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization
from socorg.reports.choices import Conclusion

from . import rules, services, workdays
from .candidates import credit_candidates
from .choices import CreditList, FactKind, PenaltyKind
from .filters import credit_entry_list_filterset, penalty_list_filterset
from .forms import (
    AnswerForm,
    EntryForm,
    FactForm,
    LetterAnsweredForm,
    LetterForm,
    ObjectionForm,
    PenaltyForm,
    ReasonSettingForm,
    RemoveForm,
    StatementForm,
)
from .models import CreditEntry, CreditFact, Objection, Penalty, RegisteredLetter, SupervisorStatement
from .queries import in_force_figures

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

ACTION_LABELS = {
    "credit.entry.create": gettext_lazy("listed"),
    "credit.entry.remove": gettext_lazy("removed on application"),
    "credit.entry.restart": gettext_lazy("period restarted by a new listing"),
    "credit.entry.stop": gettext_lazy("stopped by the supervising unit's statement"),
    "credit.entry.objection": gettext_lazy("removed after an upheld objection"),
    "credit.entry.escalate": gettext_lazy("moved to the serious list"),
    "credit.entry.expire": gettext_lazy("ended when its period was over"),
}

EVIDENCE_LABELS = {
    "year": gettext_lazy("year reported"),
    "deadline": gettext_lazy("deadline"),
    "submitted": gettext_lazy("report submitted"),
    "conclusion": gettext_lazy("conclusion"),
    "alert": gettext_lazy("early-warning alert"),
    "alert_opened_on": gettext_lazy("alert opened on"),
    "full_members": gettext_lazy("full party members"),
    "rule": gettext_lazy("early-warning rule"),
    "inspection": gettext_lazy("random inspection"),
    "first_letter": gettext_lazy("first registered letter"),
    "second_letter": gettext_lazy("second registered letter"),
    "penalty": gettext_lazy("administrative penalty"),
    "decision_no": gettext_lazy("decision number"),
    "kind": gettext_lazy("kind of penalty"),
    "amount": gettext_lazy("amount (yuan)"),
    "count": gettext_lazy("number of penalties"),
    "first": gettext_lazy("first penalty"),
    "latest": gettext_lazy("latest penalty"),
    "window_years": gettext_lazy("years counted back"),
    "finding": gettext_lazy("recorded finding"),
    "source_document": gettext_lazy("source document"),
    "abnormal_since": gettext_lazy("on the abnormal-activity list since"),
    "abnormal_entries": gettext_lazy("abnormal-activity entries"),
    "status": gettext_lazy("registry status"),
    "status_changed_on": gettext_lazy("status changed on"),
    "status_reason": gettext_lazy("status change reason"),
    "text": gettext_lazy("evidence"),
    "min_full_members": gettext_lazy("full members from which a branch is required"),
}


def evidence_rows(evidence) -> list[tuple[str, str]]:
    """The evidence in the user's language: labels for the keys, labels for stored codes among the values."""
    if not isinstance(evidence, dict):
        return [(str(EVIDENCE_LABELS["text"]), str(evidence))] if evidence else []
    from socorg.alerts.rules import RULES

    codes = {"conclusion": dict(Conclusion.choices), "kind": dict(PenaltyKind.choices),
             "status": dict(OrgStatus.choices), "rule": {c: r.title for c, r in RULES.items()}}
    rows = []
    for key, value in evidence.items():
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif key in codes:
            value = codes[key].get(value, value)
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        rows.append((str(EVIDENCE_LABELS.get(key, _("other"))), "—" if value in (None, "") else str(value)))
    return rows


def _orgs(user, action: str = "view"):
    return SocialOrganization.objects.visible_to(user, action, domain="credit")


def _entries(user):
    return CreditEntry.objects.visible_to(user, "view").select_related("organization__authority_region")


# --- the lists ----------------------------------------------------------------------------------------------------

def _xlsx(filename: str, title: str, header: list, rows) -> HttpResponse:
    book = XlsxWriter()
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    response = HttpResponse(book.to_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@capability_required("credit.view")
def entry_list(request):
    entries = credit_entry_list_filterset(request.GET, request.user)
    if request.GET.get("format") == "xlsx":
        from urllib.parse import quote

        rows = ((e.organization.uscc, e.organization.name, e.organization.authority_region.full_name,
                 e.get_list_display(), e.reason_label, e.decision_no or _("moved automatically"), e.decided_on,
                 e.entry_due_on, e.entered_on, _yes_no(e.entered_late), e.expires_on, e.removed_on,
                 e.get_removal_kind_display() if e.removal_kind else "")
                for e in entries.qs[:EXPORT_LIMIT])
        header = [_("unified social credit code"), _("name"), _("registration authority region"), _("list"),
                  _("reason"), _("decision number"), _("decision date"), _("entry due on"), _("entered on"),
                  _("entered late"), _("ends by itself on"), _("removed on"), _("removal")]
        return _xlsx(quote(_("credit-lists") + ".xlsx"), _("Credit lists"), header, rows)
    page = list_page(request, entries.qs, page_size(request, PAGE_SIZE))
    figures = in_force_figures(user=request.user)
    return render(request, "credit/entry_list.html", {
        "filter": entries, "page": page,
        "in_force": {label: figures["lists"][code] for code, label in CreditList.choices},
        "late": figures["late"],
        "can_change": request.user.has_capability("credit.change"),
    })


@capability_required("credit.view")
def penalty_list(request):
    penalties = penalty_list_filterset(request.GET, request.user)
    if request.GET.get("format") == "xlsx":
        from urllib.parse import quote

        rows = ((p.organization.uscc, p.organization.name, p.organization.authority_region.full_name,
                 p.get_kind_display(), p.amount, p.decision_no, p.decided_on, p.suspension_until, p.facts,
                 p.legal_basis, p.issuing_authority) for p in penalties.qs[:EXPORT_LIMIT])
        header = [_("unified social credit code"), _("name"), _("registration authority region"),
                  _("kind of penalty"), _("amount (yuan)"), _("decision number"), _("decision date"),
                  _("activities suspended until"), _("facts of the violation"), _("legal basis"),
                  _("issuing authority")]
        return _xlsx(quote(_("administrative-penalties") + ".xlsx"), _("Administrative penalties"), header, rows)
    page = list_page(request, penalties.qs, page_size(request, PAGE_SIZE))
    return render(request, "credit/penalty_list.html", {
        "filter": penalties, "page": page, "can_change": request.user.has_capability("credit.change")})


@capability_required("credit.change")
def candidates(request):
    """The organizations a listing reason applies to, in the user's scope, for a clerk to decide."""
    user = request.user
    today = timezone.localdate()
    try:
        as_of = datetime.date.fromisoformat(request.GET.get("as_of") or today.isoformat())
    except ValueError:
        messages.error(request, _("Enter the date as YYYY-MM-DD."))
        as_of = today
    as_of = min(as_of, today)
    roots = user.scope_regions("credit.change")
    region_code = request.GET.get("region") or (roots[0].code if roots else "")
    prefix = region_prefix_of(region_code) if region_code else None
    if prefix is None or not can(user, "credit.change", region_code if len(region_code) == 6 else None):
        prefix = roots[0].scope_prefix if roots else None
        region_code = roots[0].code if roots else ""
    reason = request.GET.get("reason", "")
    found = credit_candidates(as_of=as_of, region_prefix=prefix,
                              reasons={reason} if reason in rules.REASONS else None) if prefix is not None else []
    visible = set(_orgs(user, "change").filter(pk__in=[c.organization_id for c in found])
                  .values_list("pk", flat=True)) if found else set()
    found = [c for c in found if c.organization_id in visible]
    page = BoundedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"uscc": c.uscc, "name": c.name, "since": c.since, "reason_label": rules.reason_label(c.reason),
             "list_label": CreditList(c.list).label, "evidence_rows": evidence_rows(c.evidence),
             "decide_url": _decide_url(c)} for c in page]
    return render(request, "credit/candidates.html", {
        "page": page, "rows": rows, "as_of": as_of, "region_code": region_code, "reason": reason, "total": len(found),
        "reasons": [(code, r.title) for code, r in rules.REASONS.items()],
    })


def _decide_url(candidate) -> str:
    import json
    from urllib.parse import urlencode

    query = {"uscc": candidate.uscc, "list": candidate.list, "reason": candidate.reason,
             "evidence": json.dumps(candidate.evidence, ensure_ascii=False)}
    return f"{reverse('credit:entry-create')}?{urlencode(query)}"


# --- one entry ----------------------------------------------------------------------------------------------------

@capability_required("credit.change")
def entry_create(request):
    initial = {key: request.GET.get(key, "") for key in ("uscc", "list", "reason", "evidence")}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        uscc = form.cleaned_data["uscc"].strip().upper()
        org = _orgs(request.user, "change").filter(uscc=uscc).first()
        if org is None:
            form.add_error("uscc", _("No organization with credit code “%(uscc)s” is in your scope; check the 18 "
                                     "characters.") % {"uscc": uscc})
        else:
            try:
                entry = services.entry_create(
                    org=org, list=form.cleaned_data["list"], reason=form.cleaned_data["reason"],
                    decision_no=form.cleaned_data["decision_no"], decided_on=form.cleaned_data["decided_on"],
                    evidence=form.evidence_value(), actor=request.user)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The organization has been listed."))
                return redirect("credit:entry-detail", pk=entry.pk)
    return render(request, "credit/entry_form.html", {"form": form})


@capability_required("credit.view")
def entry_detail(request, pk: int):
    entry = get_object_or_404(_entries(request.user), pk=pk)
    org = entry.organization
    can_change = can(request.user, "credit.change", org.authority_region_id)
    entries = AuditEntry.objects.filter(object_type=CreditEntry._meta.label_lower, object_id=str(entry.pk))
    history = [(e.at, e.actor_name, ACTION_LABELS.get(e.action, _("changed"))) for e in entries[:50]]
    return render(request, "credit/entry_detail.html", {
        "entry": entry, "org": org, "can_change": can_change and entry.is_active,
        "evidence": evidence_rows(entry.evidence), "history": history,
        "objections": entry.objections.order_by("-received_on", "-pk"),
        "remove_form": RemoveForm(), "objection_form": ObjectionForm(), "answer_form": AnswerForm(),
        "statement_form": StatementForm(initial={"reason": entry.reason}),
        "calendar_known": workdays.calendar_known(entry.entry_due_on),
        "can_record": can_change,
    })


def _post_form(request, form, call, success: str, target: str):
    """Parse `form`, call the service; errors shown as messages at the top of the target page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, success)
            return redirect(target)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)
    return redirect(target)


def _entry_for_change(request, pk: int) -> CreditEntry:
    entry = get_object_or_404(_entries(request.user), pk=pk)
    if not can(request.user, "credit.change", entry.organization.authority_region_id):
        raise PermissionDenied
    return entry


@capability_required("credit.change")
@require_POST
def entry_remove(request, pk: int):
    entry = _entry_for_change(request, pk)
    return _post_form(request, RemoveForm(request.POST), lambda d: services.entry_remove(
        entry=entry, reason=d["reason"], decided_on=d["decided_on"], actor=request.user),
        _("The entry has been removed."), reverse("credit:entry-detail", args=[pk]))


@capability_required("credit.change")
@require_POST
def objection_record(request, pk: int):
    entry = _entry_for_change(request, pk)
    return _post_form(request, ObjectionForm(request.POST), lambda d: services.objection_record(
        entry=entry, received_on=d["received_on"], content=d["content"], actor=request.user),
        _("The objection has been recorded."), reverse("credit:entry-detail", args=[pk]))


@capability_required("credit.change")
@require_POST
def objection_answer(request, pk: int):
    objection = get_object_or_404(Objection.objects.visible_to(request.user, "change"), pk=pk)
    return _post_form(request, AnswerForm(request.POST), lambda d: services.objection_answer(
        objection=objection, upheld=d["upheld"], answer=d["answer"], answered_on=d["answered_on"],
        actor=request.user), _("The answer has been recorded."),
        reverse("credit:entry-detail", args=[objection.entry_id]))


# --- penalties --------------------------------------------------------------------------------------------------

@capability_required("credit.change")
def penalty_create(request):
    form = PenaltyForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        uscc = values.pop("uscc").strip().upper()
        org = _orgs(request.user, "change").filter(uscc=uscc).first()
        if org is None:
            form.add_error("uscc", _("No organization with credit code “%(uscc)s” is in your scope; check the 18 "
                                     "characters.") % {"uscc": uscc})
        else:
            try:
                services.penalty_record(org=org, actor=request.user, **values)
            except ValidationError as error:
                form.apply_service_errors(error)
            except PermissionDenied:
                form.add_error(None, _("Recording this penalty changes the organization's registration status, "
                                       "which your role may not do."))
            else:
                messages.success(request, _("The penalty has been recorded."))
                return redirect("credit:org", uscc=org.uscc)
    return render(request, "credit/penalty_form.html", {"form": form})


# --- an organization's credit record ------------------------------------------------------------------------------

@capability_required("credit.view")
def org_credit(request, uscc: str):
    org = get_object_or_404(_orgs(request.user), uscc=uscc.upper())
    can_change = can(request.user, "credit.change", org.authority_region_id)
    return render(request, "credit/org_credit.html", {
        "org": org, "can_change": can_change, **credit_history(request.user, org),
        "letters": RegisteredLetter.objects.filter(organization=org).order_by("-sent_on"),
        "facts": CreditFact.objects.filter(organization=org).order_by("-found_on"),
        "statements": SupervisorStatement.objects.filter(organization=org).order_by("-issued_on"),
        "letter_form": LetterForm(), "answered_form": LetterAnsweredForm(), "fact_form": FactForm(),
        "statement_form": StatementForm(), "fact_kinds": FactKind,
    })


def credit_history(user, org) -> dict:
    """An organization's credit history as `user` may read it (the registry's organization page includes it)."""
    if not user.has_capability("credit.view"):
        return {}
    entries = list(CreditEntry.objects.visible_to(user, "view").filter(organization=org)
                   .order_by("-decided_on", "-pk")[:50])
    penalties = list(Penalty.objects.visible_to(user, "view").filter(organization=org)
                     .order_by("-decided_on", "-pk")[:50])
    return {"credit_visible": True, "credit_entries": entries, "credit_penalties": penalties}


def _org_for_change(request, uscc: str) -> SocialOrganization:
    org = get_object_or_404(_orgs(request.user), uscc=uscc.upper())
    if not can(request.user, "credit.change", org.authority_region_id):
        raise PermissionDenied
    return org


@capability_required("credit.change")
@require_POST
def letter_record(request, uscc: str):
    org = _org_for_change(request, uscc)
    return _post_form(request, LetterForm(request.POST), lambda d: services.letter_record(
        org=org, actor=request.user, **d), _("The registered letter has been recorded."),
        reverse("credit:org", args=[org.uscc]))


@capability_required("credit.change")
@require_POST
def letter_answered(request, pk: int):
    letter = get_object_or_404(RegisteredLetter.objects.visible_to(request.user, "change"), pk=pk)
    return _post_form(request, LetterAnsweredForm(request.POST), lambda d: services.letter_answered(
        letter=letter, answered_on=d["answered_on"], actor=request.user), _("The answer has been recorded."),
        reverse("credit:org", args=[letter.organization.uscc]))


@capability_required("credit.change")
@require_POST
def fact_record(request, uscc: str):
    org = _org_for_change(request, uscc)
    return _post_form(request, FactForm(request.POST), lambda d: services.fact_record(
        org=org, actor=request.user, **d), _("The finding has been recorded."),
        reverse("credit:org", args=[org.uscc]))


@capability_required("credit.change")
@require_POST
def statement_record(request, uscc: str):
    org = _org_for_change(request, uscc)
    target = request.POST.get("next") or reverse("credit:org", args=[org.uscc])
    if not target.startswith("/credit/"):
        target = reverse("credit:org", args=[org.uscc])
    return _post_form(request, StatementForm(request.POST, request.FILES), lambda d: services.statement_record(
        org=org, actor=request.user, reason=d["reason"], issued_by=d["issued_by"], document_no=d["document_no"],
        issued_on=d["issued_on"], note=d["note"], document=d["document"]),
        _("The statement has been recorded."), target)


# --- the reasons (configuration) ------------------------------------------------------------------------------------

def _may_configure(user) -> bool:
    return can(user, "system.configure") or can(user, "credit.change", "100000")


@capability_required("credit.view", "system.configure")
def reason_list(request):
    from .config import reason_configs

    configs = reason_configs()
    rows = [{"code": code, "title": config.reason.title, "list": CreditList(config.reason.list).label,
             "enabled": config.enabled, "citation": config.citation, "problem": config.problem,
             "params": [(str(p.label), config.params.get(p.name)) for p in config.reason.param_specs]}
            for code, config in configs.items()]
    return render(request, "credit/reason_list.html", {"rows": rows, "may_configure": _may_configure(request.user)})


@capability_required("credit.change", "system.configure")
def reason_edit(request, code: str):
    from .config import reason_config
    from .models import ReasonSetting

    if code not in rules.REASONS:
        raise Http404
    if not _may_configure(request.user):
        raise PermissionDenied
    config = reason_config(code)
    stored = ReasonSetting.objects.filter(code=code).first()
    initial = {"enabled": config.enabled, "citation": stored.citation if stored else "",
               **ReasonSettingForm.initial_params(config.params)}
    form = ReasonSettingForm(request.POST or None, initial=initial, reason=config.reason)
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_setting_update(code=code, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The reason's settings have been saved."))
            return redirect("credit:reasons")
    return render(request, "credit/reason_form.html", {"form": form, "reason": config.reason})
