"""Notices over the API: the read shapes (a notice with its completion figures, a receipt) and the inputs. Checks
beyond field types live in notices.rules / notices.services."""

from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..choices import ResponseKind
from ..models import Notice, NoticeReceipt
from ..queries import completion


class NoticeSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    bodies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    organizations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="uscc")
    attachments = serializers.SerializerMethodField()
    completion = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "region", "roles", "org_types", "categories", "bodies", "organizations",
                  "pinned", "expires_on", "response_kind", "response_due_on", "remind_after_days", "status",
                  "published_at", "created_at", "attachments", "completion"]
        read_only_fields = fields

    def get_attachments(self, notice) -> list[dict]:
        return [{"id": a.pk, "name": a.name, "size": a.size} for a in notice.attachments.all()]

    def get_completion(self, notice) -> dict | None:
        """recipients, read, unread, responded, not_responded (null for a draft)."""
        return completion(notice) if notice.status != "draft" else None


class NoticeInputSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50_000)
    region = serializers.CharField(max_length=12)
    roles = serializers.ListField(child=serializers.CharField(max_length=32), required=False, max_length=10)
    org_types = serializers.ListField(child=serializers.CharField(max_length=32), required=False, max_length=10)
    categories = serializers.ListField(child=serializers.CharField(max_length=32), required=False, max_length=10)
    bodies = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)
    organizations = serializers.ListField(child=serializers.CharField(max_length=18), required=False,
                                         max_length=5000)
    pinned = serializers.BooleanField(required=False, default=False)
    expires_on = serializers.DateField(required=False, allow_null=True)
    response_kind = serializers.ChoiceField(choices=ResponseKind.choices, required=False, default=ResponseKind.NONE)
    response_due_on = serializers.DateField(required=False, allow_null=True)
    remind_after_days = serializers.IntegerField(required=False, default=3, min_value=0, max_value=90)


class ReceiptSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    recipient = serializers.CharField(source="recipient.__str__", read_only=True)
    organization = serializers.SlugRelatedField(read_only=True, slug_field="uscc")
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = NoticeReceipt
        fields = ["id", "recipient", "organization", "delivered_at", "read_at", "reminders_sent", "reminded_at",
                  "reply", "reply_file_name", "has_file", "responded_at"]
        read_only_fields = fields

    def get_has_file(self, receipt) -> bool:
        return bool(receipt.reply_file)


class InboxSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    """A notice as its recipient sees it (no audience, no figures)."""

    title = serializers.CharField(source="notice.title", read_only=True)
    body = serializers.CharField(source="notice.body", read_only=True)
    pinned = serializers.BooleanField(source="notice.pinned", read_only=True)
    published_at = serializers.DateTimeField(source="notice.published_at", read_only=True)
    expires_on = serializers.DateField(source="notice.expires_on", read_only=True)
    response_kind = serializers.CharField(source="notice.response_kind", read_only=True)
    response_due_on = serializers.DateField(source="notice.response_due_on", read_only=True)

    class Meta:
        model = NoticeReceipt
        fields = ["id", "title", "body", "pinned", "published_at", "expires_on", "response_kind", "response_due_on",
                  "read_at", "reply", "reply_file_name", "responded_at"]
        read_only_fields = fields


class RespondSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    reply = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    file = serializers.FileField(required=False, allow_null=True)
