"""API shape of social organizations. Serializers parse and render; registry.services validates and writes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.core.crypto import mask

from .. import rules
from ..choices import AuthorityLevel
from ..models import SocialOrganization

READ_ONLY = [
    "status", "status_changed_on", "status_reason", "full_members", "probationary_members", "org_covered",
    "work_covered", "standalone", "authority_region_name",
]


class PhoneField(serializers.CharField):
    """Masked on output unless the view put `reveal_phone` in the serializer context."""

    def to_representation(self, value):
        return value if self.context.get("reveal_phone") else mask(value)


class OrganizationSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    """`phone` is masked unless the view grants `reveal_phone` in the context (detail, to users with
    registry.change over the organization's region)."""

    # Declared explicitly: the service normalizes spaces and full-width characters and checks uniqueness with
    # its own message, so the model's max_length and unique validators must not answer first.
    uscc = serializers.CharField(max_length=64, help_text=_("Unified social credit code (18 characters)."))
    authority_region = serializers.CharField(source="authority_region_id", max_length=6,
                                             help_text=_("6-digit GB/T 2260 code of the registration authority."))
    authority_region_name = serializers.CharField(source="authority_region.full_name", read_only=True)
    authority_level = serializers.ChoiceField(choices=AuthorityLevel.choices, required=False, allow_blank=True,
                                              help_text=_("Defaults to the level of the authority region."))
    phone = PhoneField(required=False, allow_blank=True, max_length=32, validators=[rules.phone],
                       help_text=_("Masked in lists; in full on the detail to users who may change the record."))

    class Meta:
        model = SocialOrganization
        fields = [
            "uscc", "name", "short_name", "org_type", "category", "authority_region", "authority_region_name",
            "authority_level", "supervisor", "registered_on", "status", "status_changed_on", "status_reason",
            "declared_full_members", "declared_probationary_members", "full_members", "probationary_members",
            "party_clause_in_charter", "legal_representative", "phone", "org_covered",
            "work_covered", "standalone",
        ]
        read_only_fields = READ_ONLY

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "authority_region_id" in values:
            values["authority_region"] = values.pop("authority_region_id")
        return values


class StatusChangeSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    date = serializers.DateField(help_text=_("Date of the deregistration or revocation (not in the future)."))
    reason = serializers.CharField(max_length=500, help_text=_("Reason, as in the decision."))
