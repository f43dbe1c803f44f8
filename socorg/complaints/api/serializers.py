"""Complaints over the API: the read shape (complainant contact masked) and the input of intake and of each step.
Validation beyond field types lives in complaints.rules / complaints.services."""

from django.utils import timezone
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.core.crypto import mask

from ..choices import Category, Outcome, ReplyMethod, staff_channel_choices
from ..models import Complaint, ComplaintAttachment
from ..rules import is_overdue, mask_name


class ComplaintAttachmentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    class Meta:
        model = ComplaintAttachment
        fields = ["id", "stage", "name", "size", "uploaded_at"]
        read_only_fields = fields


class ComplaintSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    uscc = serializers.SerializerMethodField()
    complainant_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    complainant_contact = serializers.SerializerMethodField()
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)
    escalated_to = serializers.CharField(source="escalated_to_id", read_only=True, default=None)
    overdue = serializers.SerializerMethodField()
    attachments = ComplaintAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "receipt_no", "channel", "region", "region_name", "uscc", "organization_name",
                  "organization_unknown", "category", "description", "anonymous", "complainant_name",
                  "complainant_phone", "complainant_contact", "received_on", "status", "accept_due_on",
                  "accepted_on", "accepted_late", "not_accepted_reasons", "conclude_due_on", "assignee",
                  "assigned_on", "assignment_note", "findings", "investigated_on", "outcome", "conclusion",
                  "concluded_on", "concluded_late", "rectification_requirements", "rectification_deadline",
                  "penalty", "referred_to", "reply_method", "reply", "replied_on", "overdue", "escalated_to",
                  "escalated_on", "escalated_stage", "attachments"]
        read_only_fields = fields

    def get_uscc(self, complaint) -> str:
        """The organization's credit code, or the code as given when it matches no registered organization."""
        return complaint.organization.uscc if complaint.organization_id else complaint.organization_uscc

    def get_complainant_name(self, complaint) -> str:
        """Masked (the first character); POST …/reveal/ returns it in clear (audited)."""
        return mask_name(complaint.complainant_name)

    def get_complainant_phone(self, complaint) -> str:
        return mask(complaint.complainant_phone)

    def get_complainant_contact(self, complaint) -> str:
        return mask(complaint.complainant_contact, 2, 2)

    def get_overdue(self, complaint) -> str | None:
        """The deadline missed today: acceptance, conclusion, or null."""
        stage = is_overdue(complaint.status, timezone.localdate(), accept_due=complaint.accept_due_on,
                           conclude_due=complaint.conclude_due_on)
        return str(stage.value) if stage is not None else None


class ComplaintCreatedSerializer(ComplaintSerializer):
    lookup_code = serializers.CharField(read_only=True, help_text="The status code for the complainant; only in "
                                                                  "this answer.")

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "lookup_code"]
        read_only_fields = fields


class ComplaintInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    channel = serializers.ChoiceField(choices=staff_channel_choices())
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000)
    organization_uscc = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    organization_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    complainant_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    complainant_contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class AcceptInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    accepted = serializers.BooleanField()
    reasons = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class AssignInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    assignee = serializers.CharField(max_length=150, help_text="The investigator's user name.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    assigned_on = serializers.DateField(required=False, allow_null=True, default=None)


class InvestigateInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    findings = serializers.CharField(max_length=5000)
    investigated_on = serializers.DateField(required=False, allow_null=True, default=None)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class ConcludeInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    conclusion = serializers.CharField(max_length=5000)
    concluded_on = serializers.DateField(required=False, allow_null=True, default=None)
    rectification_requirements = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    rectification_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    penalty = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class ReplyInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    method = serializers.ChoiceField(choices=ReplyMethod.choices)
    reply = serializers.CharField(max_length=5000)
    replied_on = serializers.DateField(required=False, allow_null=True, default=None)


class ComplainantRevealSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    complainant_name = serializers.CharField()
    complainant_phone = serializers.CharField()
    complainant_contact = serializers.CharField()


class FiguresQuerySerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = serializers.CharField(max_length=6, required=False, default="100000")
    year = serializers.IntegerField(min_value=1990, max_value=9999, required=False, allow_null=True, default=None)
