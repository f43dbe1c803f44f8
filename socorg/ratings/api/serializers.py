"""Shapes of /api/v1/ratings/, /api/v1/party-orgs/{id}/ratings/{cycle}/, the eligibility and /api/v1/evaluations/."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from .. import rules
from ..models import EvaluationGrade, EvaluationRound, Rating, RoundEntry
from ..scorecards import VETO_LABELS, label


class RatingSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    party_org_name = serializers.CharField(source="party_org.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    suspended = serializers.BooleanField(source="is_suspended", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "party_org", "party_org_name", "region", "cycle", "status", "status_label", "stars",
                  "total_points", "computed_points", "suspended", "published_at"]


class CriterionSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()
    kind = serializers.CharField()
    section = serializers.CharField()
    points = serializers.SerializerMethodField(help_text="the points as they stand (review > self-assessment > "
                                                         "computed)")
    computed_points = serializers.FloatField(source="points", allow_null=True)
    max = serializers.FloatField()
    evidence = serializers.DictField()
    claimed_points = serializers.FloatField(allow_null=True, default=None)
    claim_reason = serializers.CharField(default="")
    claim_evidence = serializers.CharField(default="")
    reviewed_points = serializers.FloatField(allow_null=True, default=None)
    review_reason = serializers.CharField(default="")

    def get_label(self, criterion) -> str:
        return label(criterion["code"], criterion.get("label"))

    def get_points(self, criterion) -> float:
        return float(rules.effective_points(criterion))


class VetoSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()
    cap = serializers.IntegerField()

    def get_label(self, veto) -> str:
        return str(VETO_LABELS.get(veto["code"], veto["code"]))


class RatingDetailSerializer(RatingSerializer):
    criteria = serializers.SerializerMethodField()
    vetoes = VetoSerializer(many=True, read_only=True)
    scorecard = serializers.SerializerMethodField()

    class Meta(RatingSerializer.Meta):
        fields = [*RatingSerializer.Meta.fields, "as_of", "scorecard", "criteria", "vetoes", "review_comment",
                  "self_assessed_at", "reviewed_at", "approved_at", "suspended_on", "suspension_notice"]

    def get_criteria(self, rating) -> list[dict]:
        labels = {c["code"]: c.get("label") for s in rating.scorecard.definition.get("sections", [])
                  for c in s.get("criteria", [])}
        return CriterionSerializer([dict(c, label=labels.get(c["code"])) for c in rating.criteria], many=True).data

    def get_scorecard(self, rating) -> dict:
        return {"code": rating.scorecard.code, "version": rating.scorecard.version, "name": rating.scorecard.name}


class ItemSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    code = serializers.CharField()
    points = serializers.CharField(allow_blank=True, required=False, default="")
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    evidence = serializers.CharField(allow_blank=True, required=False, default="")


class SelfAssessmentSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    criteria = ItemSerializer(many=True, help_text="every judged criterion: points, reason, evidence")


@extend_schema_serializer(component_name="RatingReview")
class ReviewSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    adjustments = ItemSerializer(many=True, required=False, default=list,
                                 help_text="criteria whose points the committee changes, each with its reason")


class ReturnSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReasonSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class EligibilitySerializer(RefuseControlCharactersMixin, serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class EvaluationGradeSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = EvaluationGrade
        fields = ["id", "uscc", "organization_name", "grade", "valid_from", "valid_to", "decision_number",
                  "total_points", "party_building", "created_at"]


class EvaluationInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    uscc = serializers.CharField()
    grade = serializers.CharField(help_text="5A, 4A, 3A, 2A or 1A")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="default: 5 years from valid_from")
    decision_number = serializers.CharField(allow_blank=True)
    total_points = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True,
                                            default=None)
    scorecard = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="evaluation scorecard code (default: the one in force)")


class RoundEntrySerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)
    grade = serializers.CharField(source="grade.grade", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RoundEntry
        fields = ["uscc", "organization_name", "entered_on", "eligible", "reasons", "grade"]


class EvaluationRoundSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    scorecard = serializers.CharField(source="scorecard.code", read_only=True)
    scorecard_name = serializers.CharField(source="scorecard.name", read_only=True)
    total_points = serializers.SerializerMethodField()
    party_building_points = serializers.SerializerMethodField()
    entries = RoundEntrySerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationRound
        fields = ["id", "year", "region", "authority", "scorecard", "scorecard_name", "total_points",
                  "party_building_points", "opens_on", "closes_on", "entries"]

    def get_total_points(self, evaluation_round) -> float:
        return evaluation_round.scorecard.total

    def get_party_building_points(self, evaluation_round) -> float | None:
        section = next((s for s in evaluation_round.scorecard.definition.get("sections", [])
                        if s.get("party_building")), None)
        return section["points"] if section else None


class EvaluationRoundInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    year = serializers.IntegerField()
    region = serializers.CharField(help_text="region code of the registration authority, e.g. 530102")
    authority = serializers.CharField(allow_blank=True, help_text="the registration authority, e.g. 五华区民政局")
    scorecard = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="evaluation-10-of-100, evaluation-100-of-200 or the deployment's "
                                                "code (default: the one in force for the year)")
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    organizations = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                          help_text="credit codes (USCC) of the participating organizations")
