"""Every write of funded projects and of needs matching: check scope → lock → validate (all problems at once, as
field errors) → change → audit. Views, the API and the commands call these; the rules live in projects.rules.

Who: bureau and party staff (projects.change over the region) issue calls, keep the expert pool, assign reviews,
award, set milestones, evaluate, pay, post needs and propose matches; an organization's own account
(projects.apply over its organization; bureau staff may act for it) applies, reports milestones, records the
outcome, posts offers and accepts or declines matches; an expert scores only the reviews assigned to them."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_write, snapshot
from socorg.core.scope import can
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

from . import queries, rules
from .choices import (
    ApplicationStatus,
    CallKind,
    EvaluationStage,
    MatchStatus,
    MilestoneStatus,
    NeedStatus,
    OfferStatus,
    ProjectStatus,
    ReviewStatus,
    TerminationReason,
)
from .models import (
    Application,
    CountyContribution,
    Evaluation,
    Expert,
    Match,
    Milestone,
    Need,
    Offer,
    OfferKey,
    Payment,
    Project,
    ProjectCall,
    Review,
)

CALL_FIELDS = ("name", "kind", "funder", "region", "budget", "max_per_project", "opens_on", "closes_on",
               "categories", "rules", "criteria")
APPLICATION_FIELDS = ("call", "organization", "title", "category", "amount_requested", "people_served", "places",
                      "status", "decision_reason", "average_score")
PROJECT_FIELDS = ("amount", "awarded_on", "status", "people_served", "money_spent", "outcome", "completed_on",
                  "terminated_on", "termination_reason", "termination_detail")
NEED_FIELDS = ("title", "region", "township", "category", "people", "starts_on", "ends_on", "status")
OFFER_FIELDS = ("organization", "title", "categories", "regions", "capacity", "starts_on", "ends_on", "status")
MATCH_FIELDS = ("need", "offer", "score", "status", "decline_reason", "people_served", "outcome", "completed_on")


def _deny() -> None:
    raise PermissionDenied(_("You may not do this: it lies outside your scope."))


def _require_change(actor, region_code: str) -> None:
    if not can(actor, "projects.change", region_code):
        _deny()


def _require_for_org(actor, org: SocialOrganization) -> None:
    """The organization's own account, or staff acting for it (projects.apply over its region)."""
    if not can(actor, "projects.apply", org.authority_region_id, organizations={org.pk}):
        _deny()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value) -> str:
    return (value or "").strip()


def _region(code, errors: dict, field: str, *, today=None) -> Region | None:
    """A current region of China's division list, or a field error."""
    code = str(code or "").strip()
    region = Region.objects.current(today).filter(code=code).first() if code else None
    if region is None:
        errors[field] = _("“%(code)s” is not a current code of China's administrative divisions (GB/T 2260).") % {
            "code": code}
    return region


def _not_future(day, errors, field, today):
    if day and day > today:
        errors[field] = _("This date lies in the future.")


# --- calls and experts -------------------------------------------------------------------------------------------

@transaction.atomic
def call_create(*, actor, name: str, kind: str, region: str, budget, opens_on: datetime.date,
                closes_on: datetime.date, categories=None, rules_config=None, criteria=None, funder: str = "",
                max_per_project=None) -> ProjectCall:
    """Issue a call with its eligibility rules (configuration, validated by projects.rules.rules_problem)."""
    errors: dict[str, str] = {}
    name, funder = _text(name), _text(funder)
    if not name:
        errors["name"] = _("Give the call a name.")
    if kind not in CallKind.values:
        errors["kind"] = _("Choose the kind of call.")
    place = _region(region, errors, "region")
    if place is not None and not can(actor, "projects.change", place.code):
        errors["region"] = _("%(region)s lies outside the regions you may issue calls for.") % {"region": place.name}
    amount = rules.money(budget)
    if amount is None or amount <= 0:
        errors["budget"] = _("Enter the budget, more than zero.")
    limit = rules.money(max_per_project) if max_per_project not in (None, "") else None
    if max_per_project not in (None, "") and (limit is None or limit <= 0):
        errors["max_per_project"] = _("Enter the limit per project, more than zero.")
    elif limit is not None and "budget" not in errors and limit > amount:
        errors["max_per_project"] = _("The limit per project exceeds the budget.")
    errors.update(rules.period_problems(opens_on, closes_on, start="opens_on", end="closes_on"))
    categories = list(categories or [])
    if categories:
        problem = rules.categories_problem(categories)
        if problem:
            errors["categories"] = problem
    rules_config = list(rules_config or [])
    problem = rules.rules_problem(rules_config)
    if problem:
        errors["rules"] = problem
    problem = rules.criteria_problem(criteria)
    if problem:
        errors["criteria"] = problem
    if not can(actor, "projects.change"):
        _deny()
    _raise(errors)
    call = ProjectCall.objects.create(
        name=name, kind=kind, funder=funder, region=place, budget=amount, max_per_project=limit,
        opens_on=opens_on, closes_on=closes_on, categories=categories, rules=rules_config,
        criteria=rules.criteria_of(criteria), created_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.call.create", obj=call, actor=actor, after=snapshot(call, CALL_FIELDS))
    return call


@transaction.atomic
def expert_add(*, actor, user, name: str, region: str, affiliation: SocialOrganization | None = None,
               specialty: str = "") -> Expert:
    """Put an account on a region's expert pool. It must be able to read the region's projects (e.g. a viewer
    grant) to see what it reviews."""
    errors: dict[str, str] = {}
    place = _region(region, errors, "region")
    if place is not None and not can(actor, "projects.change", place.code):
        _deny()
    if not _text(name):
        errors["name"] = _("Enter the expert's name.")
    if place is not None and not can(user, "projects.view", place.code):
        errors["user"] = _("This account may not read projects in %(region)s; grant it a role there first.") % {
            "region": place.name}
    if place is not None and Expert.objects.filter(user=user, region=place).exists():
        errors["user"] = _("This account is already on the region's expert pool.")
    _raise(errors)
    expert = Expert.objects.create(user=user, name=_text(name), region=place, affiliation=affiliation,
                                   specialty=_text(specialty))
    audit_write(action="projects.expert.add", obj=expert, actor=actor,
                after=snapshot(expert, ("user", "name", "region", "affiliation", "specialty")))
    return expert


# --- applications --------------------------------------------------------------------------------------------------

@transaction.atomic
def application_submit(*, actor, call: ProjectCall, org: SocialOrganization, title: str, plan: str,
                       budget_lines, amount_requested, people_served: int, places=(), category: str = "",
                       today: datetime.date | None = None) -> Application:
    """Apply to an open call. Refused with the reasons when the organization is not eligible (every failed rule,
    in Chinese, under "eligibility"); nothing is saved then."""
    _require_for_org(actor, org)
    today = today or timezone.localdate()
    call = ProjectCall.objects.select_for_update().get(pk=call.pk)
    errors: dict[str, str] = {}
    if today < call.opens_on:
        errors["call"] = _("The call opens on %(date)s; applications are not accepted yet.") % {
            "date": call.opens_on.isoformat()}
    elif today > call.closes_on:
        errors["call"] = _("The call closed on %(date)s; applications are no longer accepted.") % {
            "date": call.closes_on.isoformat()}
    title, plan, category = _text(title), _text(plan), _text(category)
    if not title:
        errors["title"] = _("Give the project a title.")
    if not plan:
        errors["plan"] = _("Describe the plan.")
    if category:
        problem = rules.category_problem(category)
        if problem:
            errors["category"] = problem
        elif call.categories and category not in call.categories:
            errors["category"] = _("The call funds %(categories)s only.") % {"categories": "、".join(call.categories)}
    elif call.categories:
        errors["category"] = _("Choose the service category (%(categories)s).") % {
            "categories": "、".join(call.categories)}
    errors.update(rules.budget_problems(budget_lines, amount_requested, max_per_project=call.max_per_project,
                                        call_budget=call.budget))
    if people_served is None or isinstance(people_served, bool) or not isinstance(people_served, int) \
            or people_served < 1:
        errors["people_served"] = _("Enter how many people the project will serve (at least 1).")
    places = list(places or [])
    for code in places:
        region = _region(code, errors, "places")
        if region is not None and not region.code.startswith(call.region.scope_prefix):
            errors["places"] = _("%(place)s lies outside the call's region %(region)s.") % {
                "place": region.name, "region": call.region.name}
            break
        if "places" in errors:
            break
    if title and Application.objects.filter(call=call, organization=org, title=title).exists():
        errors["title"] = _("The organization has already applied with this title.")
    verdict = queries.eligibility_of(call, org, today)
    if not verdict["eligible"]:
        errors["eligibility"] = [r["detail"] for r in verdict["reasons"] if not r["passed"]]
    _raise(errors)
    lines = [{"item": str(line["item"]).strip(), "amount": str(rules.money(line["amount"]))} for line in budget_lines]
    application = Application.objects.create(
        call=call, organization=org, title=title, category=category, plan=plan, budget_lines=lines,
        amount_requested=rules.money(amount_requested), people_served=people_served, places=places,
        eligibility=verdict, submitted_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.application.submit", obj=application, actor=actor,
                after=snapshot(application, APPLICATION_FIELDS))
    return application


def _locked_application(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("organization", "call", "call__region").get(
        pk=application.pk)


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    application = _locked_application(application)
    _require_for_org(actor, application.organization)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
        raise ValidationError({"status": _("Only an application still under consideration can be withdrawn.")})
    before = snapshot(application, APPLICATION_FIELDS)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    audit_write(action="projects.application.withdraw", obj=application, actor=actor, before=before,
                after=snapshot(application, APPLICATION_FIELDS))
    return application


# --- expert reviews --------------------------------------------------------------------------------------------------

@transaction.atomic
def review_assign(*, actor, application: Application, experts) -> list[Review]:
    """Assign experts of the pool to an application. An expert who works for the applying organization cannot
    review it."""
    application = _locked_application(application)
    _require_change(actor, application.organization.authority_region_id)
    errors: dict[str, str] = {}
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
        errors["status"] = _("Experts are assigned while the application is under consideration.")
    experts = list(experts)
    if not experts:
        errors["experts"] = _("Choose at least one expert.")
    own = [e.name for e in experts if e.affiliation_id == application.organization_id]
    if own:
        errors["experts"] = _("%(names)s work(s) for %(org)s and cannot review its application.") % {
            "names": "、".join(own), "org": application.organization.name}
    outside = [e.name for e in experts if not application.call.region_id.startswith(e.region.scope_prefix)]
    if outside and "experts" not in errors:
        errors["experts"] = _("%(names)s is not on the pool of the call's region.") % {"names": "、".join(outside)}
    already = set(application.reviews.values_list("expert_id", flat=True))
    _raise(errors)
    created = [Review.objects.create(application=application, expert=e) for e in experts if e.pk not in already]
    before = snapshot(application, APPLICATION_FIELDS)
    application.status = ApplicationStatus.UNDER_REVIEW
    application.save(update_fields=["status"])
    audit_write(action="projects.review.assign", obj=application, actor=actor, before=before,
                after={**snapshot(application, APPLICATION_FIELDS), "experts": [e.pk for e in experts]})
    return created


def _own_review(actor, review: Review) -> Review:
    review = Review.objects.select_for_update().select_related("expert", "application", "application__call").get(
        pk=review.pk)
    if getattr(actor, "pk", None) != review.expert.user_id:
        raise PermissionDenied(_("Only the expert this review is assigned to may act on it."))
    if review.application.status != ApplicationStatus.UNDER_REVIEW:
        raise ValidationError({"status": _("The application is no longer under review.")})
    return review


@transaction.atomic
def review_declare_conflict(*, actor, review: Review, reason: str) -> Review:
    """The expert declares a conflict of interest: excluded from this application."""
    review = _own_review(actor, review)
    if review.status == ReviewStatus.SUBMITTED:
        raise ValidationError({"reason": _("Scores have already been submitted for this application.")})
    if not _text(reason):
        raise ValidationError({"reason": _("Describe the conflict of interest.")})
    review.status, review.conflict_reason = ReviewStatus.CONFLICT, _text(reason)
    review.save(update_fields=["status", "conflict_reason"])
    _refresh_average(review.application)
    audit_write(action="projects.review.conflict", obj=review, actor=actor,
                after=snapshot(review, ("status", "conflict_reason")))
    return review


@transaction.atomic
def review_submit(*, actor, review: Review, scores: dict, comment: str = "") -> Review:
    """The expert's scores per criterion (each within its maximum); hidden from others until all are in."""
    review = _own_review(actor, review)
    if review.status == ReviewStatus.CONFLICT:
        raise ValidationError({"status": _("You declared a conflict of interest for this application.")})
    if review.status == ReviewStatus.SUBMITTED:
        raise ValidationError({"status": _("Your scores have already been submitted.")})
    criteria = rules.criteria_of(review.application.call.criteria)
    _raise(rules.score_problems(scores, criteria))
    review.scores = {c["name"]: str(rules.money(scores[c["name"]])) for c in criteria}
    review.total = rules.total_score(scores, criteria)
    review.comment = _text(comment)
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
    review.save()
    _refresh_average(review.application)
    audit_write(action="projects.review.submit", obj=review, actor=actor,
                after=snapshot(review, ("status", "scores", "total", "comment")))
    return review


def reviews_complete(application: Application) -> bool:
    """Every expert not excluded by a conflict has scored, and at least one has."""
    states = list(application.reviews.values_list("status", flat=True))
    return ReviewStatus.SUBMITTED in states and ReviewStatus.ASSIGNED not in states


def _refresh_average(application: Application) -> None:
    application = Application.objects.get(pk=application.pk)
    average = None
    if reviews_complete(application):
        totals = [r.total for r in application.reviews.filter(status=ReviewStatus.SUBMITTED)]
        average = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"))
    Application.objects.filter(pk=application.pk).update(average_score=average)


def scores_visible_to(review: Review, user) -> bool:
    """An expert sees their own scores; everyone's appear once every review is in."""
    return review.expert.user_id == getattr(user, "pk", None) or reviews_complete(review.application)


# --- awards, milestones, evaluations, payments, outcome -----------------------------------------------------------

@transaction.atomic
def application_award(*, actor, application: Application, amount, awarded_on: datetime.date | None = None,
                      today: datetime.date | None = None) -> Project:
    """Award an application once every review is in, within the amount requested and the call's remaining
    budget; eligibility is checked again (a credit listing since the application refuses the award)."""
    today = today or timezone.localdate()
    application = _locked_application(application)
    _require_change(actor, application.organization.authority_region_id)
    awarded_on = awarded_on or today
    errors: dict[str, object] = {}
    if application.status != ApplicationStatus.UNDER_REVIEW:
        errors["status"] = _("Only an application under review can be awarded.")
    elif not reviews_complete(application):
        errors["status"] = _("Not every expert has scored yet.")
    value = rules.money(amount)
    if value is None or value <= 0:
        errors["amount"] = _("Enter the amount awarded, more than zero.")
    elif value > application.amount_requested:
        errors["amount"] = _("The award exceeds the %(requested)s yuan requested.") % {
            "requested": f"{application.amount_requested:,.2f}"}
    else:
        ProjectCall.objects.select_for_update().get(pk=application.call_id)
        awarded = Project.objects.filter(application__call=application.call).aggregate(s=Sum("amount"))["s"] or 0
        if awarded + value > application.call.budget:
            errors["amount"] = _("Only %(left)s yuan of the call's budget is left.") % {
                "left": f"{application.call.budget - awarded:,.2f}"}
    _not_future(awarded_on, errors, "awarded_on", today)
    verdict = queries.eligibility_of(application.call, application.organization, today)
    if not verdict["eligible"]:
        errors["eligibility"] = [r["detail"] for r in verdict["reasons"] if not r["passed"]]
    _raise(errors)
    before = snapshot(application, APPLICATION_FIELDS)
    project = Project.objects.create(application=application, amount=value, awarded_on=awarded_on,
                                     awarded_by=actor if getattr(actor, "pk", None) else None)
    application.status = ApplicationStatus.AWARDED
    application.save(update_fields=["status"])
    audit_write(action="projects.application.award", obj=application, actor=actor, before=before,
                after={**snapshot(application, APPLICATION_FIELDS), "amount": str(value)})
    return project


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    application = _locked_application(application)
    _require_change(actor, application.organization.authority_region_id)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
        raise ValidationError({"status": _("Only an application under consideration can be turned down.")})
    if not _text(reason):
        raise ValidationError({"reason": _("Give the reason.")})
    before = snapshot(application, APPLICATION_FIELDS)
    application.status, application.decision_reason = ApplicationStatus.NOT_AWARDED, _text(reason)
    application.save(update_fields=["status", "decision_reason"])
    audit_write(action="projects.application.reject", obj=application, actor=actor, before=before,
                after=snapshot(application, APPLICATION_FIELDS))
    return application


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("application__organization").get(pk=project.pk)


def _in_progress(project: Project) -> None:
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ValidationError({"status": _("The project is no longer in progress.")})


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, due_on: datetime.date, tranche) -> Milestone:
    """A contract milestone; the tranches together stay within the amount awarded."""
    project = _locked_project(project)
    _require_change(actor, project.application.organization.authority_region_id)
    _in_progress(project)
    errors: dict[str, str] = {}
    if not _text(title):
        errors["title"] = _("Name the milestone.")
    if due_on < project.awarded_on:
        errors["due_on"] = _("The milestone cannot fall before the award (%(date)s).") % {
            "date": project.awarded_on.isoformat()}
    value = rules.money(tranche)
    planned = project.milestones.aggregate(s=Sum("tranche"))["s"] or Decimal(0)
    if value is None or value < 0:
        errors["tranche"] = _("Enter the tranche, zero or more.")
    elif planned + value > project.amount:
        errors["tranche"] = _("The tranches would add up to %(total)s yuan, more than the %(amount)s yuan "
                              "awarded.") % {"total": f"{planned + value:,.2f}", "amount": f"{project.amount:,.2f}"}
    _raise(errors)
    milestone = Milestone.objects.create(project=project, title=_text(title), due_on=due_on, tranche=value)
    audit_write(action="projects.milestone.add", obj=milestone, actor=actor,
                after=snapshot(milestone, ("title", "due_on", "tranche")))
    return milestone


@transaction.atomic
def milestone_report(*, actor, milestone: Milestone, report: str, today: datetime.date | None = None) -> Milestone:
    milestone = Milestone.objects.select_for_update().select_related("project__application__organization").get(
        pk=milestone.pk)
    _require_for_org(actor, milestone.project.application.organization)
    _in_progress(milestone.project)
    if milestone.status == MilestoneStatus.ACCEPTED:
        raise ValidationError({"status": _("The milestone has already been accepted.")})
    if not _text(report):
        raise ValidationError({"report": _("Describe what was done.")})
    milestone.report, milestone.status = _text(report), MilestoneStatus.REPORTED
    milestone.reported_on = today or timezone.localdate()
    milestone.save()
    audit_write(action="projects.milestone.report", obj=milestone, actor=actor,
                after=snapshot(milestone, ("status", "report", "reported_on")))
    return milestone


@transaction.atomic
def milestone_accept(*, actor, milestone: Milestone, today: datetime.date | None = None) -> Milestone:
    milestone = Milestone.objects.select_for_update().select_related("project__application__organization").get(
        pk=milestone.pk)
    _require_change(actor, milestone.project.application.organization.authority_region_id)
    if milestone.status != MilestoneStatus.REPORTED:
        raise ValidationError({"status": _("Only a reported milestone can be accepted.")})
    milestone.status, milestone.accepted_on = MilestoneStatus.ACCEPTED, today or timezone.localdate()
    milestone.save()
    audit_write(action="projects.milestone.accept", obj=milestone, actor=actor,
                after=snapshot(milestone, ("status", "accepted_on")))
    return milestone


@transaction.atomic
def evaluation_record(*, actor, project: Project, stage: str, evaluated_on: datetime.date, score, conclusion: str,
                      findings: str, site_visit_on: datetime.date | None = None, rectification: str = "",
                      rectification_due: datetime.date | None = None,
                      today: datetime.date | None = None) -> Evaluation:
    """A mid-term or final evaluation (one of each); the final one comes after the mid-term one."""
    project = _locked_project(project)
    _require_change(actor, project.application.organization.authority_region_id)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if stage not in EvaluationStage.values:
        errors["stage"] = _("Choose mid-term or final evaluation.")
    elif project.evaluations.filter(stage=stage).exists():
        errors["stage"] = _("This evaluation has already been recorded.")
    elif stage == EvaluationStage.FINAL and not project.evaluations.filter(stage=EvaluationStage.MIDTERM).exists():
        errors["stage"] = _("Record the mid-term evaluation first.")
    if project.status == ProjectStatus.TERMINATED:
        errors["status"] = _("The project has been terminated.")
    errors.update(rules.evaluation_problems(
        score=score, conclusion=conclusion, findings=findings, rectification=rectification,
        rectification_due=rectification_due, evaluated_on=evaluated_on, site_visit_on=site_visit_on,
        awarded_on=project.awarded_on, today=today))
    _raise(errors)
    evaluation = Evaluation.objects.create(
        project=project, stage=stage, evaluated_on=evaluated_on, score=rules.money(score), conclusion=conclusion,
        findings=_text(findings), site_visit_on=site_visit_on, rectification=_text(rectification),
        rectification_due=rectification_due, evaluated_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.evaluation.record", obj=evaluation, actor=actor,
                after=snapshot(evaluation, ("stage", "evaluated_on", "score", "conclusion", "findings",
                                            "site_visit_on", "rectification", "rectification_due")))
    return evaluation


@transaction.atomic
def payment_record(*, actor, milestone: Milestone, amount, paid_on: datetime.date,
                   today: datetime.date | None = None) -> Payment:
    """Pay a milestone's tranche once it is accepted: once, within the tranche and the amount awarded."""
    milestone = Milestone.objects.select_for_update().select_related("project__application__organization").get(
        pk=milestone.pk)
    project = _locked_project(milestone.project)
    _require_change(actor, project.application.organization.authority_region_id)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if milestone.status != MilestoneStatus.ACCEPTED:
        errors["milestone"] = _("A tranche is paid against an accepted milestone only.")
    elif Payment.objects.filter(milestone=milestone).exists():
        errors["milestone"] = _("This milestone's tranche has already been paid.")
    value = rules.money(amount)
    paid = project.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if value is None or value <= 0:
        errors["amount"] = _("Enter the amount paid, more than zero.")
    elif value > milestone.tranche:
        errors["amount"] = _("The payment exceeds the milestone's tranche of %(tranche)s yuan.") % {
            "tranche": f"{milestone.tranche:,.2f}"}
    elif paid + value > project.amount:
        errors["amount"] = _("Payments would exceed the %(amount)s yuan awarded.") % {
            "amount": f"{project.amount:,.2f}"}
    _not_future(paid_on, errors, "paid_on", today)
    if "paid_on" not in errors and paid_on < project.awarded_on:
        errors["paid_on"] = _("The payment cannot precede the award.")
    _raise(errors)
    payment = Payment.objects.create(project=project, milestone=milestone, amount=value, paid_on=paid_on,
                                     recorded_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.payment.record", obj=payment, actor=actor,
                after=snapshot(payment, ("milestone", "amount", "paid_on")))
    return payment


@transaction.atomic
def project_complete(*, actor, project: Project, people_served: int, money_spent, outcome: str,
                     completed_on: datetime.date, contributions=(), today: datetime.date | None = None) -> Project:
    """Record the outcome (people served, money spent, and for 乡村振兴 the contribution by county) and close the
    project; the final evaluation must be on record."""
    project = _locked_project(project)
    _require_change(actor, project.application.organization.authority_region_id)
    _in_progress(project)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not project.evaluations.filter(stage=EvaluationStage.FINAL).exists():
        errors["status"] = _("Record the final evaluation before closing the project.")
    if isinstance(people_served, bool) or not isinstance(people_served, int) or people_served < 0:
        errors["people_served"] = _("Enter the number of people served.")
    spent = rules.money(money_spent)
    if spent is None or spent < 0:
        errors["money_spent"] = _("Enter the money spent, zero or more.")
    elif spent > project.amount:
        errors["money_spent"] = _("More than the %(amount)s yuan awarded.") % {"amount": f"{project.amount:,.2f}"}
    if not _text(outcome):
        errors["outcome"] = _("Describe the outcome.")
    _not_future(completed_on, errors, "completed_on", today)
    if "completed_on" not in errors and completed_on < project.awarded_on:
        errors["completed_on"] = _("The project cannot end before its award.")
    rows = []
    for item in contributions or ():
        county = _region(item.get("county"), errors, "contributions")
        if county is None:
            break
        if county.level != "county":
            errors["contributions"] = _("%(name)s is not a county.") % {"name": county.name}
            break
        people, money = item.get("people_served", 0), rules.money(item.get("money_spent", 0))
        if not isinstance(people, int) or people < 0 or money is None or money < 0:
            errors["contributions"] = _("Give people served and money spent for %(name)s.") % {"name": county.name}
            break
        rows.append((county, people, money))
    if rows and "contributions" not in errors:
        if len({c.code for c, _p, _m in rows}) != len(rows):
            errors["contributions"] = _("A county is listed twice.")
        elif isinstance(people_served, int) and sum(p for _c, p, _m in rows) > people_served:
            errors["contributions"] = _("The counties' people served exceed the project's total.")
        elif spent is not None and sum(m for _c, _p, m in rows) > spent:
            errors["contributions"] = _("The counties' money spent exceeds the project's total.")
    _raise(errors)
    before = snapshot(project, PROJECT_FIELDS)
    project.people_served, project.money_spent, project.outcome = people_served, spent, _text(outcome)
    project.completed_on, project.status = completed_on, ProjectStatus.COMPLETED
    project.save()
    CountyContribution.objects.bulk_create([CountyContribution(project=project, county=c, people_served=p,
                                                               money_spent=m) for c, p, m in rows])
    audit_write(action="projects.project.complete", obj=project, actor=actor, before=before,
                after={**snapshot(project, PROJECT_FIELDS),
                       "contributions": [[c.code, p, str(m)] for c, p, m in rows]})
    return project


@transaction.atomic
def project_terminate(*, actor, project: Project, reason: str, detail: str, terminated_on: datetime.date,
                      today: datetime.date | None = None) -> Project:
    """Terminate a project in progress (终止) on a date, for a reason (TerminationReason) explained in the decision.
    Its milestones not accepted by then are cancelled and their tranches withheld; accepted milestones keep their
    tranche payable (the work was accepted). No milestone, evaluation or outcome is recorded afterwards."""
    project = _locked_project(project)
    _require_change(actor, project.application.organization.authority_region_id)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if project.status != ProjectStatus.IN_PROGRESS:
        errors["status"] = _("Only a project in progress can be terminated.")
    if reason not in TerminationReason.values:
        errors["reason"] = _("Choose the reason for terminating the project.")
    if not _text(detail):
        errors["detail"] = _("Give the decision: why the project ends and what was agreed about the money.")
    _not_future(terminated_on, errors, "terminated_on", today)
    if "terminated_on" not in errors and terminated_on < project.awarded_on:
        errors["terminated_on"] = _("The project cannot end before its award (%(date)s).") % {
            "date": project.awarded_on.isoformat()}
    _raise(errors)
    before = snapshot(project, PROJECT_FIELDS)
    list(project.milestones.select_for_update().values_list("pk", flat=True))  # no report or acceptance meanwhile
    effect = queries.termination_effect(project)
    Milestone.objects.filter(pk__in=[m.pk for m in effect["cancelled"]]).update(status=MilestoneStatus.CANCELLED)
    project.status, project.terminated_on = ProjectStatus.TERMINATED, terminated_on
    project.termination_reason, project.termination_detail = reason, _text(detail)
    project.terminated_by = actor if getattr(actor, "pk", None) else None
    project.save(update_fields=["status", "terminated_on", "termination_reason", "termination_detail",
                                "terminated_by"])
    audit_write(action="projects.project.terminate", obj=project, actor=actor, before=before,
                after={**snapshot(project, PROJECT_FIELDS),
                       "cancelled_milestones": [[m.pk, m.title, str(m.tranche)] for m in effect["cancelled"]],
                       "withheld": str(effect["withheld"]), "payable": str(effect["payable"])})
    return project


# --- needs, offers, matches -----------------------------------------------------------------------------------------

@transaction.atomic
def need_post(*, actor, title: str, region: str, category: str, people: int, starts_on: datetime.date,
              ends_on: datetime.date, township: str = "", description: str = "") -> Need:
    """Post a need for a place in the poster's scope; the category is a label of the vocabulary."""
    if not can(actor, "projects.change"):
        _deny()
    errors: dict[str, str] = {}
    if not _text(title):
        errors["title"] = _("Give the need a title.")
    place = _region(region, errors, "region")
    if place is not None and not can(actor, "projects.change", place.code):
        errors["region"] = _("%(region)s lies outside your scope: post needs for places you are responsible "
                             "for.") % {"region": place.name}
    problem = rules.category_problem(category)
    if problem:
        errors["category"] = problem
    if isinstance(people, bool) or not isinstance(people, int) or people < 1:
        errors["people"] = _("Enter how many people are affected (at least 1).")
    errors.update(rules.period_problems(starts_on, ends_on))
    _raise(errors)
    need = Need.objects.create(title=_text(title), region=place, township=_text(township),
                               category=_text(category), people=people, starts_on=starts_on, ends_on=ends_on,
                               description=_text(description),
                               posted_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.need.post", obj=need, actor=actor, after=snapshot(need, NEED_FIELDS))
    return need


def offer_keys(offer: Offer) -> list[OfferKey]:
    """The matching keys of an offer: one per category × region of its service area (written with the offer)."""
    return [OfferKey(offer=offer, organization_id=offer.organization_id, category=category, region_code=code,
                     capacity=offer.capacity, starts_on=offer.starts_on, ends_on=offer.ends_on)
            for category in offer.categories for code in offer.regions]


@transaction.atomic
def offer_post(*, actor, org: SocialOrganization, title: str, categories, regions, capacity: int,
               starts_on: datetime.date, ends_on: datetime.date, description: str = "") -> Offer:
    """Post what an organization offers: categories of the vocabulary, a service area of current division codes,
    a capacity in people and a period."""
    _require_for_org(actor, org)
    errors: dict[str, str] = {}
    if not _text(title):
        errors["title"] = _("Give the offer a title.")
    categories = [str(c).strip() for c in (categories or [])]
    problem = rules.categories_problem(categories)
    if problem:
        errors["categories"] = problem
    regions = [str(r).strip() for r in (regions or [])] if isinstance(regions, list | tuple) else None
    if not regions:
        errors["regions"] = _("Name at least one region of the service area.")
    else:
        known = set(Region.objects.current().filter(code__in=regions).values_list("code", flat=True))
        unknown = [r for r in regions if r not in known]
        if unknown:
            errors["regions"] = _("Not current codes of China's administrative divisions (GB/T 2260): "
                                  "%(codes)s.") % {"codes": "、".join(unknown)}
        elif len(set(regions)) != len(regions):
            errors["regions"] = _("A region is listed twice.")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = _("Enter how many people the organization can serve (at least 1).")
    errors.update(rules.period_problems(starts_on, ends_on))
    _raise(errors)
    offer = Offer.objects.create(organization=org, title=_text(title), description=_text(description),
                                 categories=categories, regions=regions, capacity=capacity, starts_on=starts_on,
                                 ends_on=ends_on, created_by=actor if getattr(actor, "pk", None) else None)
    OfferKey.objects.bulk_create(offer_keys(offer))
    audit_write(action="projects.offer.post", obj=offer, actor=actor, after=snapshot(offer, OFFER_FIELDS))
    return offer


@transaction.atomic
def offer_withdraw(*, actor, offer: Offer) -> Offer:
    offer = Offer.objects.select_for_update().select_related("organization").get(pk=offer.pk)
    _require_for_org(actor, offer.organization)
    if offer.status == OfferStatus.WITHDRAWN:
        raise ValidationError({"status": _("The offer has already been withdrawn.")})
    before = snapshot(offer, OFFER_FIELDS)
    offer.status = OfferStatus.WITHDRAWN
    offer.save(update_fields=["status"])
    OfferKey.objects.filter(offer=offer).delete()
    audit_write(action="projects.offer.withdraw", obj=offer, actor=actor, before=before,
                after=snapshot(offer, OFFER_FIELDS))
    return offer


def score_of(need: Need, offer: Offer, today: datetime.date | None = None) -> tuple[float, list[dict]]:
    """The ranking's score and reasons for one pair (the same rules as the ranked list)."""
    today = today or timezone.localdate()
    org_id = offer.organization_id
    listings = queries.credit_listings([org_id], today)
    grades = queries.evaluation_grades([org_id], today)
    area = rules.best_area(need.region_id, offer.regions)
    names = dict(Region.objects.filter(code__in={need.region_id, area[1] or need.region_id})
                 .values_list("code", "name"))
    return rules.match_score(
        need={"category": need.category, "region": need.region_id, "people": need.people, "region_names": names},
        offer={"categories": offer.categories, "area": area, "capacity": offer.capacity,
               "credit_listing": listings if listings == queries.UNAVAILABLE else listings.get(org_id),
               "grade": grades if grades == queries.UNAVAILABLE else grades.get(org_id),
               "completed": queries.completed_projects([org_id]).get(org_id, 0)},
        weights=rules.weights())


def _locked_need(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


@transaction.atomic
def match_propose(*, actor, need: Need, offer: Offer) -> Match:
    """Propose an offer for a need (usually one of its ranked matches); the score and reasons are kept."""
    need = _locked_need(need)
    _require_change(actor, need.region_id)
    errors: dict[str, str] = {}
    if need.status in (NeedStatus.MET, NeedStatus.CLOSED):
        errors["need"] = _("The need is already met or closed.")
    if offer.status != OfferStatus.ACTIVE:
        errors["offer"] = _("The offer has been withdrawn.")
    elif Match.objects.filter(need=need, offer=offer).exists():
        errors["offer"] = _("This offer has already been proposed for the need.")
    elif offer.ends_on < need.starts_on or offer.starts_on > need.ends_on:
        errors["offer"] = _("The offer's period does not overlap the need's.")
    _raise(errors)
    score, reasons = score_of(need, offer)
    match = Match.objects.create(need=need, offer=offer, score=Decimal(str(score)), reasons=reasons,
                                 proposed_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="projects.match.propose", obj=match, actor=actor, after=snapshot(match, MATCH_FIELDS))
    return match


def _locked_match(match: Match) -> Match:
    return Match.objects.select_for_update().select_related("offer__organization", "need").get(pk=match.pk)


def _require_offer_side(actor, match: Match) -> None:
    if not (can(actor, "projects.apply", match.offer.organization.authority_region_id,
                organizations={match.offer.organization_id})
            or can(actor, "projects.change", match.need.region_id)):
        _deny()


@transaction.atomic
def match_accept(*, actor, match: Match) -> Match:
    """The organization takes the need on: the match becomes an engagement."""
    match = _locked_match(match)
    _require_offer_side(actor, match)
    if match.status != MatchStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposed match can be accepted or declined.")})
    before = snapshot(match, MATCH_FIELDS)
    now = timezone.now()
    match.status, match.decided_at = MatchStatus.ACCEPTED, now
    match.decided_by = actor if getattr(actor, "pk", None) else None
    match.save()
    need = _locked_need(match.need)
    if need.matched_at is None:
        need.matched_at = now
    if need.status == NeedStatus.OPEN:
        need.status = NeedStatus.MATCHED
    need.save(update_fields=["matched_at", "status"])
    audit_write(action="projects.match.accept", obj=match, actor=actor, before=before,
                after=snapshot(match, MATCH_FIELDS))
    return match


@transaction.atomic
def match_decline(*, actor, match: Match, reason: str) -> Match:
    match = _locked_match(match)
    _require_offer_side(actor, match)
    if match.status != MatchStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposed match can be accepted or declined.")})
    if not _text(reason):
        raise ValidationError({"reason": _("Say why the match is declined.")})
    before = snapshot(match, MATCH_FIELDS)
    match.status, match.decline_reason, match.decided_at = MatchStatus.DECLINED, _text(reason), timezone.now()
    match.decided_by = actor if getattr(actor, "pk", None) else None
    match.save()
    audit_write(action="projects.match.decline", obj=match, actor=actor, before=before,
                after=snapshot(match, MATCH_FIELDS))
    return match


@transaction.atomic
def match_complete(*, actor, match: Match, people_served: int, outcome: str, completed_on: datetime.date,
                   need_met: bool = True, today: datetime.date | None = None) -> Match:
    """Record the engagement's outcome; the need is met unless said otherwise."""
    match = _locked_match(match)
    _require_offer_side(actor, match)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if match.status != MatchStatus.ACCEPTED:
        errors["status"] = _("Only an engagement in progress can be completed.")
    if isinstance(people_served, bool) or not isinstance(people_served, int) or people_served < 0:
        errors["people_served"] = _("Enter the number of people served.")
    if not _text(outcome):
        errors["outcome"] = _("Describe the outcome.")
    _not_future(completed_on, errors, "completed_on", today)
    if "completed_on" not in errors and match.decided_at and completed_on < timezone.localdate(match.decided_at):
        errors["completed_on"] = _("The engagement cannot end before it was accepted.")
    _raise(errors)
    before = snapshot(match, MATCH_FIELDS)
    match.status, match.people_served, match.outcome = MatchStatus.COMPLETED, people_served, _text(outcome)
    match.completed_on = completed_on
    match.save()
    if need_met:
        need = _locked_need(match.need)
        need.status, need.met_at = NeedStatus.MET, timezone.now()
        need.save(update_fields=["status", "met_at"])
    audit_write(action="projects.match.complete", obj=match, actor=actor, before=before,
                after=snapshot(match, MATCH_FIELDS))
    return match
