"""API shape of organizational-life records. Serializers parse and render; activities.services validates and
writes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..choices import AttachmentKind
from ..models import Activity, Attachment, DuesPayment


class AttachmentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Download address (scoped like the record)."))

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "size", "content_type", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, attachment) -> str:
        return reverse("activities:attachment", args=[attachment.pk])


class ActivitySerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    party_org = serializers.CharField(source="party_org_id", help_text=_(
        "Party organization: its id, or its exact name."))
    party_org_name = serializers.CharField(source="party_org.name", read_only=True)
    region = serializers.CharField(source="party_org.region_id", read_only=True,
                                   help_text=_("6-digit region code of the party organization."))
    attachments = AttachmentSerializer(many=True, read_only=True)
    # The model's range checks are the service's job (its messages name the limit), so declare plain integers.
    expected_attendance = serializers.IntegerField(required=False, allow_null=True)
    actual_attendance = serializers.IntegerField(required=False, allow_null=True,
                                                 help_text=_("At most the expected attendance."))
    topic = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = Activity
        fields = ["id", "party_org", "party_org_name", "region", "type", "date", "topic", "expected_attendance",
                  "actual_attendance", "notes", "attachments", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "party_org_id" in values:
            values["party_org"] = values.pop("party_org_id")
        return values


class AttachmentUploadSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, Word, Excel, OFD, JPEG or PNG; size limit set per deployment."))
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, default=AttachmentKind.MINUTES)


class AttendanceSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=True, help_text=_(
        "Ids of the party members who attended (members of the branch on the day); the list replaces the previous "
        "one and sets the actual attendance."))


class DuesMonthField(serializers.DateField):
    """A month as YYYY-MM (a full date is accepted too); stored as its first day."""

    def to_internal_value(self, value):
        text = str(value or "").strip()
        if len(text) == 7 and text[4] == "-":
            text += "-01"
        day = super().to_internal_value(text)
        return day.replace(day=1)

    def to_representation(self, value):
        return f"{value:%Y-%m}" if value else None


class DuesPaymentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", min_value=1, help_text=_("Id of the party member."))
    month = DuesMonthField(help_text=_("Month paid for, YYYY-MM."))
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                      help_text=_("Amount in yuan, 0 or more."))
    paid_on = serializers.DateField(required=False, allow_null=True)
    party_org = serializers.IntegerField(source="member.party_org_id", read_only=True)

    class Meta:
        model = DuesPayment
        fields = ["id", "member", "party_org", "month", "amount", "paid_on", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
