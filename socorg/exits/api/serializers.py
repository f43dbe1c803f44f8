"""Screening runs and cases over the API: read shapes and the inputs of a run and of each way a case ends."""

from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.credit.choices import ENDING_PENALTIES

from ..models import CaseDocument, ScreeningCase, ScreeningRun


class ScreeningRunSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = ScreeningRun
        fields = ["id", "region", "as_of", "configuration", "opened", "already_open", "created_at"]
        read_only_fields = fields


class CaseDocumentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "name", "uploaded_at"]
        read_only_fields = fields


class ScreeningCaseSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    region = serializers.CharField(source="organization.authority_region_id", read_only=True)
    organization_status = serializers.CharField(source="organization.status", read_only=True)
    as_of = serializers.DateField(source="run.as_of", read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = ScreeningCase
        fields = ["id", "run", "uscc", "organization_name", "region", "organization_status", "as_of", "criteria",
                  "evidence", "status", "closed_on", "decision_no", "note", "documents"]
        read_only_fields = fields


class RunInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = serializers.CharField(max_length=6)
    as_of = serializers.DateField(required=False, allow_null=True, default=None)


class RectifyInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000)
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class DeregisterInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    closed_on = serializers.DateField()
    liquidation_done = serializers.BooleanField()
    certificate_returned = serializers.BooleanField()
    decision_no = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class RevokeInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k, k) for k in ENDING_PENALTIES])
    decision_no = serializers.CharField(max_length=100, allow_blank=True)
    decided_on = serializers.DateField(allow_null=True)
    facts = serializers.CharField(max_length=2000, allow_blank=True)
    legal_basis = serializers.CharField(max_length=500, allow_blank=True)
    issuing_authority = serializers.CharField(max_length=200, allow_blank=True)
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class FiguresQuerySerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = serializers.CharField(max_length=6, required=False, default="100000")
