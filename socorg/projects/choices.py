"""Stored codes of funded projects and of needs matching, with their Chinese labels (never show a code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallKind(models.TextChoices):
    PURCHASE = "purchase", _("Government purchase of services")
    VENTURE = "venture", _("Public-welfare venture")
    LOTTERY_FUND = "lottery_fund", _("Welfare lottery fund")
    CENTRAL_FUND = "central_fund", _("Central government support")
    RURAL_REVITALIZATION = "rural_revitalization", _("Rural revitalization")
    OTHER = "other", pgettext_lazy("project call kind", "Other")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("project application status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("project application status", "Under expert review")
    AWARDED = "awarded", pgettext_lazy("project application status", "Awarded")
    NOT_AWARDED = "not_awarded", pgettext_lazy("project application status", "Not awarded")
    WITHDRAWN = "withdrawn", pgettext_lazy("project application status", "Withdrawn")


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", pgettext_lazy("expert review status", "Awaiting scores")
    CONFLICT = "conflict", pgettext_lazy("expert review status", "Conflict of interest declared")
    SUBMITTED = "submitted", pgettext_lazy("expert review status", "Scores submitted")


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("funded project status", "In progress")
    COMPLETED = "completed", pgettext_lazy("funded project status", "Completed")
    TERMINATED = "terminated", pgettext_lazy("funded project status", "Terminated")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("milestone status", "Pending")
    REPORTED = "reported", pgettext_lazy("milestone status", "Reported")
    ACCEPTED = "accepted", pgettext_lazy("milestone status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("milestone status", "Cancelled with the project")


class TerminationReason(models.TextChoices):
    ORGANIZATION_REQUEST = "organization_request", _("At the organization's request")
    BREACH = "breach", _("Breach of the contract")
    EVALUATION_FAILED = "evaluation_failed", _("Failed evaluation, not rectified")
    CREDIT_LISTING = "credit_listing", _("The organization was placed on a credit list")
    ORGANIZATION_ENDED = "organization_ended", _("The organization was deregistered or revoked")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    OTHER = "other", pgettext_lazy("project termination reason", "Other")


class EvaluationStage(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")


class EvaluationConclusion(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("project evaluation", "Excellent")
    GOOD = "good", pgettext_lazy("project evaluation", "Good")
    PASS = "pass", pgettext_lazy("project evaluation", "Pass")
    FAIL = "fail", pgettext_lazy("project evaluation", "Fail")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    MATCHED = "matched", pgettext_lazy("need status", "Matched")
    MET = "met", pgettext_lazy("need status", "Met")
    CLOSED = "closed", pgettext_lazy("need status", "Closed")


class OfferStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("offer status", "Available")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "Withdrawn")


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("match status", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("match status", "Engaged")
    DECLINED = "declined", pgettext_lazy("match status", "Declined")
    COMPLETED = "completed", pgettext_lazy("match status", "Completed")


# The eligibility rules a call may configure (issue #17): code → Chinese title.
class RuleCode(models.TextChoices):
    IN_REGION = "in_region", _("Registered in the call's region")
    NOT_ON_CREDIT_LIST = "not_on_credit_list", _("Not on a credit list")
    REGISTERED_YEARS = "registered_years", _("Years since registration")
    ANNUAL_REPORT_OK = "annual_report_ok", _("Last annual report not unqualified")
    MIN_EVALUATION_GRADE = "min_evaluation_grade", _("Minimum evaluation grade")
    PARTY_COVERAGE = "party_coverage", _("Party organization or party work coverage")
    NO_HIGH_ALERT = "no_high_alert", _("No open high-severity alert")
    MAX_AWARDS = "max_awards", _("Limit of awards per organization")


# The ranking factors of a need's matches (issue #17): code → Chinese title.
class MatchFactor(models.TextChoices):
    CATEGORY = "category", _("Service category")
    AREA = "area", _("Service area")
    CAPACITY = "capacity", _("Capacity")
    RATING = "rating", _("Evaluation grade")
    CREDIT = "credit", _("Credit")
    TRACK_RECORD = "track_record", _("Completed projects")
