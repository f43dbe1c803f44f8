"""Annual reports over the API: the read shape (with the pre-filled party-building section) and the inputs of the
draft and of each workflow step. Validation beyond field types lives in reports.rules / reports.services."""

from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..choices import NOT_STARTED, Conclusion
from ..models import AnnualReport
from ..services import EDITABLE_FIELDS

MONEY = {"max_digits": 16, "decimal_places": 2, "allow_null": True, "required": False}


class PartyBuildingSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    as_of = serializers.DateField()
    party_orgs = serializers.ListField(child=serializers.DictField())
    full_members = serializers.IntegerField()
    probationary_members = serializers.IntegerField()
    instructors = serializers.ListField(child=serializers.DictField())
    activities = serializers.DictField(child=serializers.IntegerField())
    party_clause_in_charter = serializers.BooleanField()
    should_build_missing = serializers.BooleanField()


class AnnualReportSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status = serializers.SerializerMethodField()
    party_building = PartyBuildingSerializer(read_only=True)

    class Meta:
        model = AnnualReport
        fields = ["uscc", "organization_name", "year", "status", "due_on", "late", "first_submitted_at",
                  "submitted_at", *EDITABLE_FIELDS, "party_building", "return_reasons", "conclusion",
                  "review_reasons", "reviewed_at"]
        read_only_fields = fields

    def get_status(self, report) -> str:
        """draft, submitted, returned or reviewed; not_started while no report has been saved."""
        return report.status if report.pk else NOT_STARTED


class AnnualReportInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    proposed_changes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    member_meetings_held = serializers.IntegerField(min_value=0, max_value=1000, allow_null=True, required=False)
    council_meetings_held = serializers.IntegerField(min_value=0, max_value=1000, allow_null=True, required=False)
    election_on_time = serializers.BooleanField(allow_null=True, required=False)
    leader_changes = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    donation_income = serializers.DecimalField(**MONEY)
    government_income = serializers.DecimalField(**MONEY)
    service_income = serializers.DecimalField(**MONEY)
    other_income = serializers.DecimalField(**MONEY)
    total_income = serializers.DecimalField(**MONEY)
    total_expenditure = serializers.DecimalField(**MONEY)
    net_assets = serializers.DecimalField(**MONEY)
    charitable_spending = serializers.DecimalField(**MONEY)
    activities_summary = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    party_building_comment = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ReportReturnSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    reasons = serializers.CharField(max_length=2000)


class ReportReviewSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    reasons = serializers.CharField(allow_blank=True, required=False, max_length=2000, default="")


