"""Pages of funded projects and matching: calls (issue, eligibility, apply), applications (experts, scores,
award), projects (milestones, payments, evaluations, outcome), the expert pool, needs with their ranked offers,
offers, and the figures with their Excel export.

Every page starts from visible_to (outside → 404); projects.services validates and writes; a refused write shows
the page again with the errors beside the fields (status 400)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can
from socorg.core.xlsx import XLSX_TYPE, XlsxWriter
from socorg.registry.models import SocialOrganization

from . import queries, rules, services
from .choices import ApplicationStatus, MatchStatus, ProjectStatus, ReviewStatus
from .filters import ApplicationFilter, NeedFilter, OfferFilter, ProjectCallFilter, ProjectFilter
from .forms import (
    ApplicationForm,
    AssignForm,
    AwardForm,
    CallForm,
    CompleteForm,
    EvaluationForm,
    ExpertForm,
    MatchCompleteForm,
    MilestoneForm,
    MilestoneReportForm,
    NeedForm,
    OfferForm,
    PaymentForm,
    ReasonForm,
    ScoresForm,
    TerminateForm,
)
from .models import Application, Expert, Match, Milestone, Need, Offer, Project, ProjectCall, Review

PAGE_SIZE = 50
VIEW = "projects.view"


def _page(request, queryset):
    return list_page(request, queryset, page_size(request, PAGE_SIZE))


def _rule_rows(call) -> list[str]:
    """The call's rules in words (never their codes)."""
    from .choices import RuleCode

    rows = []
    for rule in call.rules:
        title = str(RuleCode(rule["rule"]).label)
        if rule["rule"] == "registered_years":
            title += _("：at least %(n)d years") % {"n": rule["min"]}
        elif rule["rule"] == "min_evaluation_grade":
            title += f"：{rule['grade']}A"
        elif rule["rule"] == "max_awards":
            title += _("：at most %(n)d") % {"n": rule["max"]}
        elif rule["rule"] == "party_coverage" and rule.get("require") == "organization":
            title += _("：a party organization")
        rows.append(title)
    return rows


def _labelled(verdict: dict) -> list[dict]:
    from .choices import RuleCode

    return [{**r, "title": RuleCode(r["rule"]).label} for r in verdict.get("reasons", [])]


# --- calls -----------------------------------------------------------------------------------------------------------

@capability_required(VIEW)
def index(request):
    calls = ProjectCallFilter(request.GET, queryset=ProjectCall.objects.visible_to(request.user, "view")
                              .select_related("region").order_by("-opens_on", "-id"))
    projects = Project.objects.visible_to(request.user, "view").select_related(
        "application__organization", "application__call").order_by("-awarded_on", "-id")
    return render(request, "projects/index.html", {
        "filter": calls, "calls": _page(request, calls.qs), "projects": projects[:20],
        "can_issue": request.user.has_capability("projects.change"),
        "own_org": getattr(request.user, "organization", None),
    })


@capability_required("projects.change")
def call_new(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The call has been issued."))
            return redirect("projects:call", pk=call.pk)
    return render(request, "projects/call_form.html", {"form": form}, status=400 if form.errors else 200)


def _call_page(request, call, *, apply_form=None, status=200):
    user = request.user
    own = getattr(user, "organization", None)
    verdict = None
    if own is not None and can(user, "projects.apply", organizations={own.pk}):
        verdict = queries.eligibility_of(call, own)
        apply_form = apply_form or ApplicationForm(categories=call.categories)
    checked = None
    uscc = (request.GET.get("uscc") or "").strip().upper()
    if uscc:
        org = SocialOrganization.objects.visible_to(user, "view", domain="projects").filter(uscc=uscc).first()
        checked = (org, queries.eligibility_of(call, org) if org else None)
    applications = ApplicationFilter(request.GET, queryset=Application.objects.visible_to(user, "view")
                                     .filter(call=call).select_related("organization").order_by("-submitted_at"))
    return render(request, "projects/call_detail.html", {
        "call": call, "rule_rows": _rule_rows(call), "own": own,
        "verdict": verdict and {**verdict, "reasons": _labelled(verdict)},
        "checked": checked and (checked[0], checked[1] and {**checked[1], "reasons": _labelled(checked[1])}),
        "uscc": uscc, "apply_form": apply_form, "applications": _page(request, applications.qs),
        "open": call.is_open_on(timezone.localdate()),
    }, status=status)


@capability_required(VIEW)
def call_detail(request, pk: int):
    call = get_object_or_404(ProjectCall.objects.visible_to(request.user, "view").select_related("region"), pk=pk)
    return _call_page(request, call)


@require_POST
@capability_required("projects.apply")
def apply(request, pk: int):
    call = get_object_or_404(ProjectCall.objects.visible_to(request.user, "view"), pk=pk)
    own = getattr(request.user, "organization", None)
    if own is None:
        messages.error(request, _("Only an organization's own account applies here."))
        return redirect("projects:call", pk=pk)
    form = ApplicationForm(request.POST, categories=call.categories)
    if form.is_valid():
        try:
            application = services.application_submit(actor=request.user, call=call, org=own,
                                                      **form.service_values())
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The application has been submitted."))
            return redirect("projects:application", pk=application.pk)
    return _call_page(request, call, apply_form=form, status=400)


# --- applications and reviews --------------------------------------------------------------------------------------

def _application(request, pk):
    return get_object_or_404(Application.objects.visible_to(request.user, "view")
                             .select_related("organization", "call", "call__region"), pk=pk)


def _application_page(request, application, status=200, **forms):
    user = request.user
    reviews = list(application.reviews.select_related("expert", "expert__user"))
    complete = services.reviews_complete(application)
    rows = [{"review": r, "visible": complete or r.expert.user_id == user.pk} for r in reviews]
    mine = next((r for r in reviews if r.expert.user_id == user.pk and r.status == ReviewStatus.ASSIGNED), None)
    region = application.organization.authority_region_id
    manage = can(user, "projects.change", region)
    experts = []
    if manage and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
        taken = {r.expert_id for r in reviews}
        experts = [e for e in Expert.objects.visible_to(user, "view").order_by("name")
                   if e.pk not in taken and application.call.region_id.startswith(e.region.scope_prefix)]
    criteria = rules.criteria_of(application.call.criteria)
    project = Project.objects.filter(application=application).first()
    return render(request, "projects/application_detail.html", {
        "application": application, "rows": rows, "complete": complete, "mine": mine,
        "reasons": _labelled(application.eligibility), "manage": manage, "project": project,
        "assign_form": forms.get("assign_form") or (AssignForm(experts=experts) if experts else None),
        "scores_form": forms.get("scores_form") or (ScoresForm(criteria=criteria) if mine else None),
        "conflict_form": forms.get("conflict_form") or ReasonForm(),
        "award_form": forms.get("award_form") or AwardForm(initial={"amount": application.amount_requested}),
        "reject_form": forms.get("reject_form") or ReasonForm(),
        "can_award": manage and application.status == ApplicationStatus.UNDER_REVIEW and complete,
    }, status=status)


@capability_required(VIEW)
def application_detail(request, pk: int):
    return _application_page(request, _application(request, pk))


def _post(request, application, form_name, form, call):
    """Run `call(values)` when the form is valid; show the page again with the errors otherwise."""
    if form.is_valid():
        try:
            call(form)
        except ValidationError as error:
            if hasattr(form, "apply_service_errors"):
                form.apply_service_errors(error)
            else:
                form.add_error(None, error)
        else:
            return redirect("projects:application", pk=application.pk)
    return _application_page(request, application, status=400, **{form_name: form})


@require_POST
@capability_required("projects.change")
def assign(request, pk: int):
    application = _application(request, pk)
    pool = list(Expert.objects.visible_to(request.user, "view"))
    form = AssignForm(request.POST, experts=pool)
    return _post(request, application, "assign_form", form, lambda f: services.review_assign(
        actor=request.user, application=application,
        experts=[e for e in pool if str(e.pk) in f.cleaned_data["experts"]]))


def _my_review(request, application):
    return get_object_or_404(Review, application=application, expert__user=request.user)


@require_POST
@capability_required(VIEW)
def review_submit(request, pk: int):
    application = _application(request, pk)
    review = _my_review(request, application)
    form = ScoresForm(request.POST, criteria=rules.criteria_of(application.call.criteria))
    return _post(request, application, "scores_form", form, lambda f: services.review_submit(
        actor=request.user, review=review, **f.service_values()))


@require_POST
@capability_required(VIEW)
def review_conflict(request, pk: int):
    application = _application(request, pk)
    review = _my_review(request, application)
    return _post(request, application, "conflict_form", ReasonForm(request.POST), lambda f: (
        services.review_declare_conflict(actor=request.user, review=review, reason=f.cleaned_data["reason"])))


@require_POST
@capability_required("projects.change")
def award(request, pk: int):
    application = _application(request, pk)

    def run(form):
        project = services.application_award(actor=request.user, application=application,
                                             amount=form.cleaned_data["amount"])
        messages.success(request, _("Awarded: the project is in progress."))
        return project

    return _post(request, application, "award_form", AwardForm(request.POST), run)


@require_POST
@capability_required("projects.change")
def reject(request, pk: int):
    application = _application(request, pk)
    return _post(request, application, "reject_form", ReasonForm(request.POST), lambda f: (
        services.application_reject(actor=request.user, application=application, reason=f.cleaned_data["reason"])))


# --- projects ------------------------------------------------------------------------------------------------------

def _project(request, pk):
    return get_object_or_404(Project.objects.visible_to(request.user, "view")
                             .select_related("application__organization", "application__call"), pk=pk)


def _project_page(request, project, status=200, **forms):
    region = project.application.organization.authority_region_id
    user = request.user
    return render(request, "projects/project_detail.html", {
        "project": project, "application": project.application,
        "milestones": project.milestones.select_related("payment"),
        "evaluations": project.evaluations.all(), "payments": project.payments.all(),
        "contributions": project.contributions.select_related("county"),
        "manage": can(user, "projects.change", region),
        "for_org": can(user, "projects.apply", region, organizations={project.application.organization_id}),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "evaluation_form": forms.get("evaluation_form") or EvaluationForm(
            initial={"evaluated_on": timezone.localdate()}),
        "payment_form": forms.get("payment_form") or PaymentForm(initial={"paid_on": timezone.localdate()}),
        "report_form": forms.get("report_form") or MilestoneReportForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(initial={"completed_on": timezone.localdate()}),
        "terminate_form": forms.get("terminate_form") or TerminateForm(initial={"terminated_on": timezone.localdate()}),
        "termination": queries.termination_effect(project) if project.status == ProjectStatus.IN_PROGRESS else None,
        "error_milestone": forms.get("milestone"),
    }, status=status)


@capability_required(VIEW)
def project_detail(request, pk: int):
    return _project_page(request, _project(request, pk))


def _project_post(request, project, form_name, form, call, **extra):
    if form.is_valid():
        try:
            call(form)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            return redirect("projects:project", pk=project.pk)
    return _project_page(request, project, status=400, **{form_name: form}, **extra)


@require_POST
@capability_required("projects.change")
def milestone_add(request, pk: int):
    project = _project(request, pk)
    return _project_post(request, project, "milestone_form", MilestoneForm(request.POST), lambda f: (
        services.milestone_add(actor=request.user, project=project, **f.cleaned_data)))


@require_POST
@capability_required("projects.change")
def evaluation_add(request, pk: int):
    project = _project(request, pk)
    return _project_post(request, project, "evaluation_form", EvaluationForm(request.POST), lambda f: (
        services.evaluation_record(actor=request.user, project=project, **f.cleaned_data)))


@require_POST
@capability_required("projects.change")
def complete(request, pk: int):
    project = _project(request, pk)
    return _project_post(request, project, "complete_form", CompleteForm(request.POST), lambda f: (
        services.project_complete(actor=request.user, project=project, **f.cleaned_data)))


@require_POST
@capability_required("projects.change")
def terminate(request, pk: int):
    project = _project(request, pk)
    return _project_post(request, project, "terminate_form", TerminateForm(request.POST), lambda f: (
        services.project_terminate(actor=request.user, project=project, **f.cleaned_data)))


def _milestone(request, pk):
    return get_object_or_404(Milestone.objects.visible_to(request.user, "view").select_related("project"), pk=pk)


@require_POST
@capability_required("projects.apply", "projects.change")
def milestone_report(request, pk: int):
    milestone = _milestone(request, pk)
    project = _project(request, milestone.project_id)
    return _project_post(request, project, "report_form", MilestoneReportForm(request.POST), lambda f: (
        services.milestone_report(actor=request.user, milestone=milestone, **f.cleaned_data)),
        milestone=milestone.pk)


@require_POST
@capability_required("projects.change")
def milestone_accept(request, pk: int):
    milestone = _milestone(request, pk)
    try:
        services.milestone_accept(actor=request.user, milestone=milestone)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("projects:project", pk=milestone.project_id)


@require_POST
@capability_required("projects.change")
def payment_add(request, pk: int):
    milestone = _milestone(request, pk)
    project = _project(request, milestone.project_id)
    return _project_post(request, project, "payment_form", PaymentForm(request.POST), lambda f: (
        services.payment_record(actor=request.user, milestone=milestone, **f.cleaned_data)), milestone=milestone.pk)


# --- experts ----------------------------------------------------------------------------------------------------------

@capability_required("projects.change")
def experts(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = get_user_model().objects.filter(username=data.pop("username"), is_active=True).first()
        uscc = data.pop("affiliation").strip().upper()
        affiliation = SocialOrganization.objects.filter(uscc=uscc).first() if uscc else None
        if user is None:
            form.add_error("username", _("No such account."))
        elif uscc and affiliation is None:
            form.add_error("affiliation", _("No organization has this credit code."))
        else:
            try:
                services.expert_add(actor=request.user, user=user, affiliation=affiliation, **data)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The expert has been added to the pool."))
                return redirect("projects:experts")
    pool = Expert.objects.visible_to(request.user, "view").select_related("region", "affiliation")
    return render(request, "projects/experts.html", {"form": form, "experts": _page(request, pool)},
                  status=400 if form.errors else 200)


# --- needs, offers, matches ---------------------------------------------------------------------------------------

@capability_required(VIEW)
def needs(request):
    form = NeedForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_capability("projects.change"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                need = services.need_post(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                return redirect("projects:need", pk=need.pk)
    rows = NeedFilter(request.GET, queryset=Need.objects.visible_to(request.user, "view").select_related("region"))
    return render(request, "projects/needs.html", {
        "form": form, "filter": rows, "needs": _page(request, rows.qs),
        "can_post": request.user.has_capability("projects.change"),
    }, status=400 if form.errors else 200)


def _need(request, pk):
    return get_object_or_404(Need.objects.visible_to(request.user, "view").select_related("region"), pk=pk)


def _need_page(request, need, status=200, complete_form=None):
    ranked = queries.matches_for(need)
    from .choices import MatchFactor

    factors = dict(MatchFactor.choices)
    rows = [{"offer": r["offer"], "score": r["score"],
             "reasons": [{**x, "title": factors[x["factor"]]} for x in r["reasons"]]} for r in ranked]
    matches = list(need.matches.select_related("offer__organization"))
    proposed = {m.offer_id for m in matches}
    return render(request, "projects/need_detail.html", {
        "need": need, "rows": rows, "matches": matches, "proposed": proposed,
        "manage": can(request.user, "projects.change", need.region_id),
        "decline_form": ReasonForm(), "complete_form": complete_form or MatchCompleteForm(
            initial={"completed_on": timezone.localdate()}),
    }, status=status)


@capability_required(VIEW)
def need_detail(request, pk: int):
    return _need_page(request, _need(request, pk))


@require_POST
@capability_required("projects.change")
def propose(request, pk: int):
    need = _need(request, pk)
    offer = get_object_or_404(Offer, pk=request.POST.get("offer") or 0)
    try:
        services.match_propose(actor=request.user, need=need, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("projects:need", pk=need.pk)


def _match(request, pk):
    return get_object_or_404(Match.objects.visible_to(request.user, "view").select_related("need"), pk=pk)


@require_POST
@capability_required(VIEW)
def match_decide(request, pk: int, decision: str):
    if decision not in ("accept", "decline", "complete"):
        from django.http import Http404

        raise Http404
    match = _match(request, pk)
    try:
        if decision == "accept":
            services.match_accept(actor=request.user, match=match)
        elif decision == "decline":
            services.match_decline(actor=request.user, match=match, reason=request.POST.get("reason", ""))
        else:
            form = MatchCompleteForm(request.POST)
            if not form.is_valid():
                raise ValidationError({k: v[0] for k, v in form.errors.items()})
            services.match_complete(actor=request.user, match=match, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("projects:match", pk=match.pk)


@capability_required(VIEW)
def match_detail(request, pk: int):
    match = _match(request, pk)
    region = match.offer.organization.authority_region_id
    return render(request, "projects/match_detail.html", {
        "match": match, "offer": match.offer, "need": match.need,
        "decide": match.status == MatchStatus.PROPOSED and (
            can(request.user, "projects.apply", region, organizations={match.offer.organization_id})
            or can(request.user, "projects.change", match.need.region_id)),
        "engaged": match.status == MatchStatus.ACCEPTED,
        "decline_form": ReasonForm(),
        "complete_form": MatchCompleteForm(initial={"completed_on": timezone.localdate()}),
    })


@capability_required(VIEW)
def offers(request):
    form = OfferForm(request.POST or None, initial={"uscc": getattr(getattr(request.user, "organization", None),
                                                                    "uscc", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = SocialOrganization.objects.visible_to(request.user, "apply", domain="projects").filter(
            uscc=data.pop("uscc").strip().upper()).first()
        if org is None:
            form.add_error("uscc", _("No organization you may act for has this credit code."))
        else:
            data["regions"] = data["regions"].split()
            try:
                services.offer_post(actor=request.user, org=org, **data)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The offer has been posted."))
                return redirect("projects:offers")
    rows = OfferFilter(request.GET, queryset=Offer.objects.visible_to(request.user, "view")
                       .select_related("organization"))
    matches = Match.objects.visible_to(request.user, "view").select_related("need", "offer")[:50]
    return render(request, "projects/offers.html", {
        "form": form, "filter": rows, "offers": _page(request, rows.qs), "matches": matches,
        "can_post": request.user.has_capability("projects.apply"),
    }, status=400 if form.errors else 200)


# --- figures ---------------------------------------------------------------------------------------------------

def _figures(request):
    projects = ProjectFilter(request.GET, queryset=Project.objects.visible_to(request.user, "view"))
    return projects, queries.project_figures(projects.qs), queries.need_figures(
        Need.objects.visible_to(request.user, "view"))


@capability_required(VIEW)
def figures(request):
    projects, figures, need_figures = _figures(request)
    return render(request, "projects/figures.html", {"filter": projects, "f": figures, "n": need_figures,
                                                     "query": request.GET.urlencode()})


@capability_required(VIEW)
def figures_xlsx(request):
    _filter, f, n = _figures(request)
    book = XlsxWriter()
    for title, key in ((_("By region"), "by_region"), (_("By kind"), "by_kind"), (_("By category"), "by_category"),
                       (_("By year"), "by_year")):
        sheet = book.create_sheet(title)
        sheet.append([title, _("projects"), _("amount (yuan)")])
        for row in f[key]:
            sheet.append([str(row["label"]), row["projects"], float(row["amount"])])
    sheet = book.create_sheet(_("Party organizations"))
    sheet.append([_("amount (yuan)"), _("to organizations with a party organization"), _("share (%)")])
    sheet.append([float(f["amount"]), float(f["party_amount"]),
                  float(f["party_share"]) if f["party_share"] is not None else None])
    sheet = book.create_sheet(_("Rural revitalization by county"))
    sheet.append([_("county"), _("projects"), _("people served"), _("money spent (yuan)")])
    for row in f["rural_by_county"]:
        sheet.append([row["county"], row["projects"], row["people"], float(row["amount"])])
    sheet = book.create_sheet(_("Evaluations"))
    sheet.append([_("stage"), _("conclusion"), _("projects")])
    for row in f["evaluations"]:
        sheet.append([row["stage"], row["conclusion"], row["count"]])
    sheet = book.create_sheet(_("Needs"))
    sheet.append([_("region or category"), _("needs"), _("engaged"), _("met"), _("median days to match")])
    for row in [*n["by_region"], *n["by_category"]]:
        sheet.append([row["label"], row["needs"], row["engaged"], row["met"], row["median_days_to_match"]])
    response = HttpResponse(book.to_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''projects-figures.xlsx"
    return response
