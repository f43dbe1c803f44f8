"""API shape of alerts and their rectification steps."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..models import Alert, AlertEvent


class AlertEventSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None, allow_null=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = AlertEvent
        fields = ["kind", "at", "actor", "assignee", "deadline", "region", "note", "files"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_files(self, event) -> list[str]:
        return [f.original_name for f in event.files.all()]


class AlertSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    subject = serializers.SerializerMethodField(help_text=_("Party organization name, or the USCC."))
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Alert
        fields = ["id", "rule", "subject_type", "subject", "party_org", "organization", "region", "severity",
                  "message", "evidence", "status", "opened_on", "resolved_on", "resolution_reason", "assignee",
                  "deadline", "escalated_to", "escalated_on"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_subject(self, alert) -> str:
        return alert.party_org.name if alert.party_org_id else alert.organization.uscc


class AlertDetailSerializer(AlertSerializer):
    events = AlertEventSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "events"]
        read_only_fields = fields


class AssignSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    assignee = serializers.CharField(help_text=_("User name of the organization's account or instructor."))
    deadline = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text=_("What was done."))
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReviewSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text=_("New deadline when returning (optional)."))
