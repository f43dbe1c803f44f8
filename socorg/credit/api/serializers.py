"""Credit lists over the API: the read shape of an entry and the inputs of a listing and of a removal. Validation
beyond field types lives in credit.rules / credit.services (every problem at once, as field errors)."""

from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..models import CreditEntry, Penalty


class CreditEntrySerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    list_label = serializers.CharField(source="get_list_display", read_only=True)
    reason_label = serializers.CharField(read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)
    removal_label = serializers.CharField(source="get_removal_kind_display", read_only=True)

    class Meta:
        model = CreditEntry
        fields = ["id", "uscc", "organization_name", "list", "list_label", "reason", "reason_label", "evidence",
                  "decision_no", "decided_on", "entered_on", "entry_due_on", "entered_late", "automatic",
                  "expires_on", "active", "removed_on", "removal_kind", "removal_label", "removal_reason",
                  "removal_due_on", "removed_late"]
        read_only_fields = fields


class EvidenceField(serializers.JSONField):
    """An object (as the candidates give it) or a plain text."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is not None and not isinstance(value, dict | str):
            raise serializers.ValidationError(self.error_messages["invalid"])
        return value


class CreditEntryInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    uscc = serializers.CharField(max_length=18)
    list = serializers.CharField(max_length=16, allow_blank=True)
    reason = serializers.CharField(max_length=64, allow_blank=True)
    decision_no = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    decided_on = serializers.DateField(allow_null=True, required=False, default=None)
    evidence = EvidenceField(required=False, allow_null=True, default=None)


class CreditRemoveSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    decided_on = serializers.DateField(allow_null=True, required=False, default=None)


class PenaltySerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    uscc = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Penalty
        fields = ["id", "uscc", "organization_name", "kind", "kind_label", "amount", "decision_no", "decided_on",
                  "facts", "legal_basis", "issuing_authority", "suspension_until"]
        read_only_fields = fields


class PenaltyInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    uscc = serializers.CharField(max_length=18)
    kind = serializers.CharField(max_length=24, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, required=False, default=None)
    decision_no = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    decided_on = serializers.DateField(allow_null=True, required=False, default=None)
    facts = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    legal_basis = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    issuing_authority = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    suspension_until = serializers.DateField(allow_null=True, required=False, default=None)
