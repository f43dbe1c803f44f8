"""Ratings pages: the star ratings of a cycle with figures by region and level (drill-down, the party organizations
behind every number, Excel), one rating with its criteria and the workflow's forms, evaluation grades with their
expiry and eligibility, model branches.

Every page starts from the user's ratings scope (outside → 404); ratings.services validates and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.models import AuditEntry
from socorg.core.pagination import list_page, page_size
from socorg.core.scope import can, in_subtree
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

from . import queries, rules, services
from .choices import RatingStatus
from .filters import last_cycle, rating_list_filterset
from .forms import EvaluationForm, ModelBranchForm, ReviewForm, SelfAssessmentForm
from .labels import evidence_text, veto_text
from .models import EvaluationGrade, ModelBranch, Rating
from .scorecards import label

PAGE_SIZE = 50
ACTION_LABELS = {
    "ratings.rating.self_assess": _lazy("self-assessed"), "ratings.rating.review": _lazy("reviewed"),
    "ratings.rating.return": _lazy("returned to the branch"), "ratings.rating.approve": _lazy("approved"),
    "ratings.rating.publish": _lazy("published"), "ratings.rating.suspend": _lazy("star suspended"),
    "ratings.rating.reinstate": _lazy("star reinstated"),
}


def _region(code: str | None) -> Region:
    return Region.objects.filter(code=code or "100000").first() or Region.objects.get(code="100000")


@capability_required("ratings.view")
def rating_list(request):
    ratings = rating_list_filterset(request.GET, request.user)
    params = ratings.data
    cycle = ratings.form.cleaned_data.get("cycle") if ratings.is_valid() else None
    cycle = int(cycle or last_cycle())
    region = _region(params.get("region"))
    figures = queries.star_figures(cycle=cycle, region=region, user=request.user)
    if request.GET.get("format") == "xlsx":
        from socorg.core.xlsx import XLSX_TYPE

        from .excel import ratings_workbook

        response = HttpResponse(ratings_workbook(figures, ratings.qs), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="ratings-{region.code}-{cycle}.xlsx"'
        return response
    page = list_page(request, ratings.qs, page_size(request, PAGE_SIZE))
    today = timezone.localdate()
    designations = queries.model_branches_in_force(ModelBranch.objects.visible_to(request.user, "view"), today)
    grades = EvaluationGrade.objects.visible_to(request.user, "view")
    return render(request, "ratings/rating_list.html", {
        "filter": ratings, "page": page, "cycle": cycle, "region": region, "figures": figures,
        "star_keys": queries.STAR_KEYS,
        "star_cells": [(key, figures.by_stars[key], figures.share(key)) for key in queries.STAR_KEYS],
        "region_rows": [{**row, "cells": [(key, row["by_stars"][key]) for key in queries.STAR_KEYS]}
                        for row in figures.rows],
        "model_branches": designations.count(), "grade_figures": queries.grade_figures(grades, today),
        "xlsx_query": _with(request.GET, format="xlsx", cycle=str(cycle)),
    })


def _with(query, **values) -> str:
    params = query.copy()
    for key, value in values.items():
        params[key] = value
    params.pop("page", None)
    return params.urlencode()


def _rating(user, party_org: int, cycle: int) -> Rating:
    return get_object_or_404(Rating.objects.visible_to(user, "view").select_related("party_org", "scorecard",
                                                                                      "region"),
                             party_org_id=party_org, cycle=cycle)


def _criteria_rows(rating: Rating) -> list[dict]:
    definition = {c["code"]: c for s in rating.scorecard.definition.get("sections", [])
                  for c in s.get("criteria", [])}
    sections = {s["code"]: label(s["code"], s.get("label")) for s in rating.scorecard.definition.get("sections", [])}
    rows = []
    for criterion in rating.criteria:
        spec = definition.get(criterion["code"], {})
        rows.append({**criterion, "label": label(criterion["code"], spec.get("label")),
                     "section_label": sections.get(criterion["section"], ""),
                     "effective": rules.effective_points(criterion), "local": spec.get("local", False),
                     "evidence_text": evidence_text(criterion, spec.get("measure")),
                     "judged": criterion["kind"] == "judged"})
    return rows


@login_required
def rating_detail(request, party_org: int, cycle: int):
    rating = _rating(request.user, party_org, cycle)
    return _render_detail(request, rating)


def _render_detail(request, rating, *, self_form=None, review_form=None, model_form=None, status=200):
    user = request.user
    organizations = rating.party_org.organization_ids()
    can_self_assess = rating.status in (RatingStatus.COMPUTED, RatingStatus.SELF_ASSESSED) and can(
        user, "ratings.self_assess", organizations=organizations)
    can_review = rating.status == RatingStatus.SELF_ASSESSED and can(user, "ratings.review", rating.region_id)
    can_approve = can(user, "ratings.approve", rating.region_id)
    rows = _criteria_rows(rating)
    history = [(e.at, e.actor_name, ACTION_LABELS.get(e.action, _("changed")))
               for e in AuditEntry.objects.filter(object_type=Rating._meta.label_lower,
                                                  object_id=str(rating.pk)).order_by("seq")[:50]]
    designations = ModelBranch.objects.filter(party_org=rating.party_org).order_by("-valid_from")
    self_form = self_form or (SelfAssessmentForm(rows=rows) if can_self_assess else None)
    review_form = review_form or (ReviewForm(rows=rows) if can_review else None)
    for row in rows:  # each row's own fields, shown in its line of the table
        code = row["code"]
        if self_form is not None and f"points_{code}" in self_form.fields:
            row["self_fields"] = [self_form[f"{part}_{code}"] for part in ("points", "reason", "evidence")]
        if review_form is not None:
            row["review_fields"] = [review_form[f"{part}_{code}"] for part in ("points", "reason")]
    return render(request, "ratings/rating_detail.html", {
        "rating": rating, "rows": rows, "vetoes": [veto_text(v) for v in rating.vetoes],
        "can_self_assess": can_self_assess, "can_review": can_review,
        "can_approve": can_approve and rating.status == RatingStatus.REVIEWED,
        "can_publish": can_approve and rating.status == RatingStatus.APPROVED,
        "can_reinstate": can_approve and rating.is_suspended,
        "can_designate": can_approve and rating.status == RatingStatus.PUBLISHED and not rating.is_suspended,
        "self_form": self_form, "review_form": review_form,
        "model_form": model_form or ModelBranchForm(), "designations": designations, "history": history,
    }, status=status)


def _workflow_step(request, party_org, cycle, step):
    rating = _rating(request.user, party_org, cycle)
    try:
        step(rating)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("ratings:detail", party_org=party_org, cycle=cycle)


@login_required
@require_POST
def rating_self_assess(request, party_org: int, cycle: int):
    rating = _rating(request.user, party_org, cycle)
    rows = _criteria_rows(rating)
    form = SelfAssessmentForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            services.rating_self_assess(rating=rating, actor=request.user, items=form.items())
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The self-assessment has been submitted to the committee."))
            return redirect("ratings:detail", party_org=party_org, cycle=cycle)
    return _render_detail(request, rating, self_form=form, status=400)


@login_required
@require_POST
def rating_review(request, party_org: int, cycle: int):
    rating = _rating(request.user, party_org, cycle)
    form = ReviewForm(request.POST, rows=_criteria_rows(rating))
    if form.is_valid():
        try:
            if request.POST.get("decision") == "return":
                services.rating_return(rating=rating, actor=request.user, reasons=form.cleaned_data["comment"])
                messages.success(request, _("The self-assessment has been returned to the branch."))
            else:
                services.rating_review(rating=rating, actor=request.user, comment=form.cleaned_data["comment"],
                                       adjustments=form.adjustments())
                messages.success(request, _("The review has been recorded."))
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            return redirect("ratings:detail", party_org=party_org, cycle=cycle)
    return _render_detail(request, rating, review_form=form, status=400)


@login_required
@require_POST
def rating_approve(request, party_org: int, cycle: int):
    def step(rating):
        services.rating_approve(rating=rating, actor=request.user)
        messages.success(request, _("The rating has been approved."))
    return _workflow_step(request, party_org, cycle, step)


@login_required
@require_POST
def rating_publish(request, party_org: int, cycle: int):
    def step(rating):
        services.rating_publish(rating=rating, actor=request.user)
        messages.success(request, _("The rating has been published."))
    return _workflow_step(request, party_org, cycle, step)


@login_required
@require_POST
def rating_reinstate(request, party_org: int, cycle: int):
    def step(rating):
        services.rating_reinstate(rating=rating, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The star has been reinstated."))
    return _workflow_step(request, party_org, cycle, step)


@login_required
@require_POST
def model_branch_designate(request, party_org: int, cycle: int):
    rating = _rating(request.user, party_org, cycle)
    form = ModelBranchForm(request.POST)
    if form.is_valid():
        try:
            services.model_branch_designate(party_org=rating.party_org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            messages.success(request, _("The branch has been designated a model branch."))
            return redirect("ratings:detail", party_org=party_org, cycle=cycle)
    return _render_detail(request, rating, model_form=form, status=400)


@capability_required("ratings.view")
def model_branch_list(request):
    today = timezone.localdate()
    rows = (ModelBranch.objects.visible_to(request.user, "view").select_related("party_org")
            .order_by("-valid_from", "pk"))
    page = list_page(request, rows, page_size(request, PAGE_SIZE))
    return render(request, "ratings/model_branches.html", {"page": page, "today": today})


@capability_required("ratings.view")
def evaluation_list(request):
    today = timezone.localdate()
    grades = EvaluationGrade.objects.visible_to(request.user, "view").select_related("organization")
    expiring = request.GET.get("expiring") == "1"
    rows = queries.expiring_grades(grades, today) if expiring else grades.order_by("-valid_from", "pk")
    grade = request.GET.get("grade", "")
    if grade:
        rows = rows.filter(queries.valid_on_q(today), grade=grade)
    page = list_page(request, rows, page_size(request, PAGE_SIZE))
    return render(request, "ratings/evaluation_list.html", {
        "page": page, "today": today, "figures": queries.grade_figures(grades, today), "expiring": expiring,
        "grade": grade, "warning_from": {g.pk: rules.warning_from(g.valid_to) for g in page},
        "can_evaluate": request.user.has_capability("ratings.evaluate"),
    })


@capability_required("ratings.view")
def evaluation_round(request):
    """An evaluation round's list: the organizations of a region in force on the day, eligible or not, with the
    reasons that failed (50 per page, computed set-based per page)."""
    from socorg.registry.models import org_active_q

    today = timezone.localdate()
    region = _region(request.GET.get("region"))
    orgs = (SocialOrganization.objects.visible_to(request.user, "view", domain="ratings")
            .filter(org_active_q(on=today)).filter(in_subtree("authority_region__code", region.scope_prefix))
            .order_by("uscc"))
    page = list_page(request, orgs, page_size(request, PAGE_SIZE))
    verdicts = queries.eligibility_many(page.object_list, today)
    rows = [(org, verdicts[org.pk]["eligible"], [r["detail"] for r in verdicts[org.pk]["reasons"] if not r["passed"]])
            for org in page.object_list]
    return render(request, "ratings/evaluation_round.html", {"page": page, "rows": rows, "region": region,
                                                             "today": today})


@capability_required("ratings.view")
def evaluation_open(request):
    uscc = (request.GET.get("uscc") or "").strip().upper()
    if not SocialOrganization.objects.visible_to(request.user, "view", domain="ratings").filter(uscc=uscc).exists():
        messages.error(request, _("No organization with credit code “%(uscc)s” is in your scope; check the 18 "
                                  "characters.") % {"uscc": uscc})
        return redirect("ratings:evaluations")
    return redirect("ratings:eligibility", uscc=uscc)


@login_required
def eligibility(request, uscc: str):
    org = get_object_or_404(SocialOrganization.objects.visible_to(request.user, "view", domain="ratings"),
                            uscc=uscc.upper())
    can_evaluate = can(request.user, "ratings.evaluate", org.authority_region_id)
    form = EvaluationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_evaluate:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.evaluation_record(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The evaluation grade has been recorded."))
                return redirect("ratings:eligibility", uscc=org.uscc)
        status = 400
    verdict = queries.eligibility(org)
    rule_labels = {"registered_two_years": _("Registered two full years or more"),
                   "last_annual_report": _("Last annual report submitted and not unqualified"),
                   "no_penalty_past_year": _("No administrative penalty within the past year"),
                   "not_on_credit_list": _("Not on a credit list")}
    return render(request, "ratings/eligibility.html", {
        "org": org, "verdict": verdict, "rule_labels": rule_labels, "form": form, "can_evaluate": can_evaluate,
        "current": queries.current_grade(org),
        "grades": EvaluationGrade.objects.filter(organization=org).order_by("-valid_from"),
    }, status=status)


# --- scorecards -------------------------------------------------------------------------------------------------

@login_required
def scorecard_list(request):
    """Every version of the scorecards, the one in force this year marked, and how many ratings and grades were
    scored with each (a version in use is never edited: a new one applies from a later year)."""
    from django.db.models import Count

    from .choices import ScorecardKind
    from .models import Scorecard

    manager = services.can_manage_scorecards(request.user)
    if not (manager or request.user.has_capability("ratings.view")):
        raise PermissionDenied
    year = timezone.localdate().year
    in_force = {queries.scorecard_for(kind, year).pk for kind in ScorecardKind.values}
    versions = Scorecard.objects.annotate(used=Count("ratings")).order_by("kind", "-first_cycle", "-version")
    return render(request, "ratings/scorecards.html", {"versions": versions, "in_force": in_force, "year": year,
                                                       "can_manage": manager})


@login_required
def scorecard_new_version(request, pk: int):
    """A new version of a scorecard, started from the version `pk`: sections, criteria, points, thresholds and
    vetoes edited in a table; ratings.services.scorecard_create validates (the same rules as the console) and
    saves it."""
    from .forms import ScorecardEditor
    from .models import Scorecard

    if not services.can_manage_scorecards(request.user):
        raise PermissionDenied
    source = get_object_or_404(Scorecard, pk=pk)
    editor = ScorecardEditor(source, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        header = editor.header.cleaned_data
        try:
            scorecard = services.scorecard_create(
                kind=source.kind, code=editor.code(), name=header["name"], first_cycle=header["first_cycle"],
                definition=editor.definition, note=header.get("note", ""), actor=request.user)
        except ValidationError as error:
            editor.apply_service_errors(error)
        else:
            messages.success(request, _("Version %(version)d of “%(name)s” saved; it applies from %(year)d.")
                             % {"version": scorecard.version, "name": scorecard.name,
                                "year": scorecard.first_cycle})
            return redirect("ratings:scorecards")
    criteria_rows = list(zip(editor.criterion_forms, editor.criterion_shipped, strict=True))
    section_rows = list(zip(editor.section_forms, editor.shipped_labels + [""] * editor.EXTRA_SECTIONS,
                            strict=True))
    return render(request, "ratings/scorecard_edit.html", {
        "source": source, "editor": editor, "header": editor.header, "section_rows": section_rows,
        "criteria_rows": criteria_rows, "star": source.kind == "star",
    }, status=400 if request.method == "POST" else 200)
