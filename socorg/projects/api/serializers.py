"""Funded projects and matching over the API: a read shape per model and one input shape per write. Validation
beyond field types lives in projects.rules / projects.services."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from .. import services
from ..choices import CallKind, EvaluationConclusion, EvaluationStage, RuleCode, TerminationReason
from ..models import (
    Application,
    Evaluation,
    Expert,
    Match,
    Milestone,
    Need,
    Offer,
    Payment,
    Project,
    ProjectCall,
    Review,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Input(RefuseControlCharactersMixin, serializers.Serializer):
    pass


# --- calls ---------------------------------------------------------------------------------------------------------

class RuleField(serializers.DictField):
    """One eligibility rule: {"rule": code, …parameters}; checked as a whole by projects.rules.rules_problem."""


class ProjectCallSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ProjectCall
        fields = ["id", "name", "kind", "kind_label", "funder", "region", "region_name", "budget", "max_per_project",
                  "opens_on", "closes_on", "categories", "rules", "criteria", "created_at"]
        read_only_fields = fields


class CriterionSerializer(Input):
    name = serializers.CharField(max_length=50)
    max = serializers.IntegerField(min_value=1, max_value=1000)


class ProjectCallInputSerializer(Input):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CallKind.choices)
    region = serializers.CharField(max_length=6)
    budget = serializers.DecimalField(**MONEY)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    categories = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list)
    rules = serializers.ListField(child=RuleField(), required=False, default=list,
                                  help_text="e.g. [{\"rule\": \"registered_years\", \"min\": 1}]; rule codes: "
                                            + ", ".join(c for c in RuleCode.values if c != RuleCode.IN_REGION))
    funder = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    max_per_project = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    criteria = CriterionSerializer(many=True, required=False, default=list)


@extend_schema_serializer(component_name="ProjectEligibilityReason")
class ReasonSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


@extend_schema_serializer(component_name="ProjectEligibility")
class EligibilitySerializer(RefuseControlCharactersMixin, serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class EligibilityQuerySerializer(Input):
    uscc = serializers.CharField(max_length=18)


# --- experts, applications, reviews ----------------------------------------------------------------------------------

class ExpertSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    affiliation = serializers.CharField(source="affiliation.uscc", read_only=True, default=None)

    class Meta:
        model = Expert
        fields = ["id", "name", "username", "region", "affiliation", "specialty"]
        read_only_fields = fields


class ExpertInputSerializer(Input):
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=64)
    region = serializers.CharField(max_length=6)
    affiliation = serializers.CharField(max_length=18, required=False, allow_blank=True, default="",
                                        help_text="credit code of the organization the expert works for")
    specialty = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BudgetLineSerializer(Input):
    item = serializers.CharField(max_length=100)
    amount = serializers.DecimalField(**MONEY)


class ApplicationSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    call_name = serializers.CharField(source="call.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    average_score = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "call", "call_name", "uscc", "organization_name", "title", "category", "plan",
                  "budget_lines", "amount_requested", "people_served", "places", "status", "status_label",
                  "eligibility", "average_score", "submitted_at", "decision_reason"]
        read_only_fields = fields

    def get_average_score(self, application) -> str | None:
        """The experts' average, once every review is in."""
        return None if application.average_score is None else str(application.average_score)


class ApplicationInputSerializer(Input):
    call = serializers.IntegerField()
    uscc = serializers.CharField(max_length=18)
    title = serializers.CharField(max_length=200)
    plan = serializers.CharField(max_length=10000)
    category = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    budget_lines = BudgetLineSerializer(many=True)
    amount_requested = serializers.DecimalField(**MONEY)
    people_served = serializers.IntegerField(min_value=0, max_value=100_000_000)
    places = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)


@extend_schema_serializer(component_name="ProjectAssignInput")
class AssignInputSerializer(Input):
    experts = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class AwardInputSerializer(Input):
    amount = serializers.DecimalField(**MONEY)
    awarded_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonInputSerializer(Input):
    reason = serializers.CharField(max_length=500)


class ReviewSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    scores = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "application", "application_title", "expert_name", "status", "status_label",
                  "conflict_reason", "scores", "total", "comment", "submitted_at"]
        read_only_fields = fields

    def _visible(self, review) -> bool:
        return services.scores_visible_to(review, self.context["request"].user)

    def get_scores(self, review) -> dict | None:
        """Hidden (null) from everyone but the expert until every review is in."""
        return review.scores if self._visible(review) else None

    def get_total(self, review) -> str | None:
        return str(review.total) if self._visible(review) and review.total is not None else None


class ScoresInputSerializer(Input):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2))
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- projects ----------------------------------------------------------------------------------------------------

class MilestoneSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    paid = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "due_on", "tranche", "status", "status_label", "report", "reported_on",
                  "accepted_on", "paid"]
        read_only_fields = fields

    def get_paid(self, milestone) -> str | None:
        payment = getattr(milestone, "payment", None) if hasattr(milestone, "payment") else None
        return str(payment.amount) if payment else None


class EvaluationSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "stage", "stage_label", "evaluated_on", "score", "conclusion", "conclusion_label",
                  "site_visit_on", "findings", "rectification", "rectification_due"]
        read_only_fields = fields


class PaymentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "milestone", "amount", "paid_on"]
        read_only_fields = fields


class ProjectSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    application = ApplicationSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    contributions = serializers.SerializerMethodField()
    termination_reason_label = serializers.CharField(source="get_termination_reason_display", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "application", "amount", "awarded_on", "status", "status_label", "people_served",
                  "money_spent", "outcome", "completed_on", "milestones", "evaluations", "payments",
                  "contributions", "terminated_on", "termination_reason", "termination_reason_label",
                  "termination_detail"]
        read_only_fields = fields

    def get_contributions(self, project) -> list[dict]:
        return [{"county": c.county_id, "county_name": c.county.name, "people_served": c.people_served,
                 "money_spent": str(c.money_spent)} for c in project.contributions.all()]


class MilestoneInputSerializer(Input):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    tranche = serializers.DecimalField(**MONEY)


class MilestoneReportInputSerializer(Input):
    report = serializers.CharField(max_length=5000)


class PaymentInputSerializer(Input):
    amount = serializers.DecimalField(**MONEY)
    paid_on = serializers.DateField()


@extend_schema_serializer(component_name="ProjectEvaluationInput")
class EvaluationInputSerializer(Input):
    stage = serializers.ChoiceField(choices=EvaluationStage.choices)
    evaluated_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    conclusion = serializers.ChoiceField(choices=EvaluationConclusion.choices)
    findings = serializers.CharField(max_length=5000)
    site_visit_on = serializers.DateField(required=False, allow_null=True, default=None)
    rectification = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    rectification_due = serializers.DateField(required=False, allow_null=True, default=None)


class ContributionInputSerializer(Input):
    county = serializers.CharField(max_length=6)
    people_served = serializers.IntegerField(min_value=0, max_value=100_000_000)
    money_spent = serializers.DecimalField(**MONEY)


class CompleteInputSerializer(Input):
    people_served = serializers.IntegerField(min_value=0, max_value=100_000_000)
    money_spent = serializers.DecimalField(**MONEY)
    outcome = serializers.CharField(max_length=5000)
    completed_on = serializers.DateField()
    contributions = ContributionInputSerializer(many=True, required=False, default=list)


class TerminateInputSerializer(Input):
    reason = serializers.ChoiceField(choices=TerminationReason.choices)
    detail = serializers.CharField(max_length=5000)
    terminated_on = serializers.DateField()


# --- needs, offers, matches -----------------------------------------------------------------------------------------

class NeedSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "title", "region", "region_name", "township", "category", "description", "people",
                  "starts_on", "ends_on", "status", "status_label", "created_at", "matched_at", "met_at"]
        read_only_fields = fields


class NeedInputSerializer(Input):
    title = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=6)
    category = serializers.CharField(max_length=32, help_text="a category's Chinese label, e.g. 养老服务")
    people = serializers.IntegerField(min_value=0, max_value=100_000_000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    township = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class OfferSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "uscc", "organization_name", "title", "description", "categories", "regions", "capacity",
                  "starts_on", "ends_on", "status", "status_label", "created_at"]
        read_only_fields = fields


class OfferInputSerializer(Input):
    uscc = serializers.CharField(max_length=18)
    title = serializers.CharField(max_length=200)
    categories = serializers.ListField(child=serializers.CharField(max_length=32))
    regions = serializers.ListField(child=serializers.CharField(max_length=6))
    capacity = serializers.IntegerField(min_value=0, max_value=100_000_000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class MatchReasonSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    factor = serializers.CharField()
    weight = serializers.FloatField(help_text="points this factor contributed to the score")
    max = serializers.FloatField(help_text="the factor's configured weight")
    detail = serializers.CharField()


class RankedOfferSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    offer = OfferSerializer()
    score = serializers.FloatField()
    reasons = MatchReasonSerializer(many=True)


class MatchSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    offer = OfferSerializer(read_only=True)
    need_title = serializers.CharField(source="need.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reasons = MatchReasonSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = ["id", "need", "need_title", "offer", "score", "reasons", "status", "status_label", "proposed_at",
                  "decided_at", "decline_reason", "people_served", "outcome", "completed_on"]
        read_only_fields = fields


class ProposeInputSerializer(Input):
    offer = serializers.IntegerField()


class MatchCompleteInputSerializer(Input):
    people_served = serializers.IntegerField(min_value=0, max_value=100_000_000)
    outcome = serializers.CharField(max_length=5000)
    completed_on = serializers.DateField()
    need_met = serializers.BooleanField(required=False, default=True)
