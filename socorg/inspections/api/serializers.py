"""Inspection plans over the API: the read shape (staff), the public-safe shapes (plan, results: no personal data
beyond inspectors' names and units, no account names), and the inputs of each step. Validation beyond field types
lives in inspections.rules / inspections.services."""

from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.registry.choices import AuthorityLevel, Category, OrgType

from ..choices import InspectionResult, ItemState
from ..models import Inspection, InspectionPlan, PlanInspector


class PublicInspectorSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    id = serializers.CharField(source="code", read_only=True)

    class Meta:
        model = PlanInspector
        fields = ["id", "name", "unit"]
        read_only_fields = fields


PLAN_PUBLIC_FIELDS = ["id", "plan_uid", "name", "year", "region", "region_name", "level", "org_types", "categories",
                      "registered_before", "active_only", "share", "count", "below_minimum_reason", "items",
                      "per_org", "max_per_inspector", "status", "pool_sha256", "pool_size", "n", "committed_at",
                      "public_value", "seed", "drawn_at", "closed_at", "cancelled_at", "cancel_reason", "inspectors"]


class PublicPlanSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    """What anyone may read about a plan (the public site shows it): the plan, its commitment and draw, the
    inspectors' identifiers, names and units."""

    plan_uid = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    inspectors = PublicInspectorSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = PLAN_PUBLIC_FIELDS
        read_only_fields = fields


class PlanSerializer(PublicPlanSerializer):
    """The staff's read shape: the public one plus who marked inspectors are (their account names)."""

    inspectors = serializers.SerializerMethodField()

    class Meta(PublicPlanSerializer.Meta):
        fields = PLAN_PUBLIC_FIELDS

    def get_inspectors(self, plan) -> list[dict]:
        """[{id, name, unit, username}] — username only for marked staff accounts."""
        return [{"id": i.code, "name": i.name, "unit": i.unit,
                 "username": i.account.user.username if i.account_id else None}
                for i in plan.inspectors.select_related("account__user").order_by("code")]


class PublicInspectionSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    """One published inspection result (the organization is public record; inspectors by identifier)."""

    uscc = serializers.CharField(source="selection.uscc", read_only=True)
    organization_name = serializers.CharField(source="selection.organization.name", read_only=True)
    inspectors_present = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["uscc", "organization_name", "inspected_on", "inspectors_present", "checklist", "findings",
                  "result", "rectification_order", "rectification_deadline", "rectified_on"]
        read_only_fields = fields

    def get_inspectors_present(self, inspection) -> list[str]:
        return sorted(i.code for i in inspection.inspectors_present.all())


class InspectorInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    """An outside expert ({name, unit}) or a staff account marked as an inspector ({username})."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=200)
    username = serializers.CharField(required=False, allow_blank=True, max_length=150)


class PlanInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=9999)
    region = serializers.CharField(max_length=6)
    level = serializers.ChoiceField(choices=AuthorityLevel.choices, required=False)
    share = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, allow_null=True,
                                     help_text="0–1, e.g. 0.05")
    count = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True)
    per_org = serializers.IntegerField(min_value=0, max_value=50)
    max_per_inspector = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True)
    org_types = serializers.ListField(child=serializers.ChoiceField(choices=OrgType.choices), required=False)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices), required=False)
    registered_before = serializers.DateField(required=False, allow_null=True)
    active_only = serializers.BooleanField(required=False, default=True)
    items = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    below_minimum_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    inspectors = InspectorInputSerializer(many=True)


class CommitResultSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    pool_sha256 = serializers.CharField()
    pool_size = serializers.IntegerField()
    committed_at = serializers.DateTimeField()


class DrawInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    public_value = serializers.CharField(max_length=200, trim_whitespace=False)


class ProofInspectorSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    excluded_for = serializers.ListField(child=serializers.CharField())


class ProofSelectedSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    uscc = serializers.CharField()
    key = serializers.CharField()
    inspectors = serializers.ListField(child=serializers.CharField())


class ProofSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    """Documentation of the proof's shape (docs/inspections.md): socorg-draw-v1."""

    algorithm = serializers.CharField()
    plan_uid = serializers.CharField()
    pool = serializers.ListField(child=serializers.CharField())
    pool_sha256 = serializers.CharField()
    committed_at = serializers.DateTimeField()
    public_value = serializers.CharField()
    seed = serializers.CharField()
    n = serializers.IntegerField()
    per_org = serializers.IntegerField()
    share = serializers.CharField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    max_per_inspector = serializers.IntegerField(allow_null=True)
    drawn_at = serializers.DateTimeField()
    inspectors = ProofInspectorSerializer(many=True)
    selected = ProofSelectedSerializer(many=True)


class CancelInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ConflictInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    inspector = serializers.CharField(max_length=16, help_text="the inspector's id in the plan, e.g. I003")
    uscc = serializers.CharField(max_length=18)
    reason = serializers.CharField(max_length=500)


class InspectionInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    uscc = serializers.CharField(max_length=18)
    inspected_on = serializers.DateField()
    inspectors_present = serializers.ListField(child=serializers.CharField(max_length=16))
    checklist = serializers.DictField(child=serializers.ChoiceField(choices=ItemState.choices))
    findings = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    rectification_order = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    rectification_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class PublicResultsSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    plan = PublicPlanSerializer()
    inspections = PublicInspectionSerializer(many=True)
