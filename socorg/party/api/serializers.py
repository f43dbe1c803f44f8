"""Snake_case English fields; social organizations referenced by their USCC, regions by their code, party
organizations by id. Sensitive values are write-only: responses carry them masked."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.core.crypto import mask
from socorg.registry import rules as registry_rules

from ..choices import Formation, Gender, InstructorKind, Membership, PartyOrgKind
from ..models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from ..services import warnings_for


class CoveredOrganizationSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = PartyCoverage
        fields = ["id", "organization", "organization_name", "start_on", "end_on", "is_current"]

    def get_is_current(self, coverage) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return coverage.start_on <= today and (coverage.end_on is None or coverage.end_on > today)


class PartyOrganizationSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", allow_null=True, read_only=True)
    parent_name = serializers.CharField(source="parent.name", allow_null=True, read_only=True, default=None)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    secretary_vacant = serializers.BooleanField(read_only=True)
    term_ends_on = serializers.DateField(read_only=True, allow_null=True)
    covered_count = serializers.IntegerField(read_only=True)
    too_wide = serializers.BooleanField(read_only=True)
    warnings = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "name_pinyin", "kind", "formation", "is_functional", "has_party_groups", "parent",
                  "parent_name", "region", "region_name", "founded_on", "secretary_name", "secretary_vacant",
                  "secretary_vacant_since", "term_started_on", "term_years", "term_ends_on", "status",
                  "status_changed_on", "covered_count", "too_wide", "warnings", "organizations", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_warnings(self, party_org) -> list[str]:
        return warnings_for(party_org)

    def get_organizations(self, party_org) -> list[str]:
        """USCCs of the organizations covered today."""
        return [c.organization.uscc for c in getattr(party_org, "current_coverages", [])]


class PartyOrganizationWriteSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartyOrgKind.choices)
    formation = serializers.ChoiceField(choices=Formation.choices)
    is_functional = serializers.BooleanField(required=False, default=False)
    has_party_groups = serializers.BooleanField(required=False, help_text="the branch has party groups (党小组)")
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="id of the parent party organization")
    region = serializers.CharField(required=False, allow_blank=True, max_length=6,
                                   help_text="region code of the leading committee; default: the registration region "
                                             "of the first covered organization")
    organizations = serializers.ListField(child=serializers.CharField(max_length=18), required=False,
                                          help_text="USCCs of the covered organizations (on creation only)")
    coverage_start_on = serializers.DateField(required=False, allow_null=True)
    founded_on = serializers.DateField(required=False, allow_null=True)
    secretary_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    secretary_vacant_since = serializers.DateField(required=False, allow_null=True)
    term_started_on = serializers.DateField(required=False, allow_null=True)
    term_years = serializers.ChoiceField(choices=[3, 5], required=False, allow_null=True,
                                         help_text="3 or 5; empty or null: by kind (committee 5, otherwise 3)")


class CoverageAddSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    organization = serializers.CharField(max_length=18, help_text="USCC of the organization to cover")
    start_on = serializers.DateField(required=False, allow_null=True)


class EndSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    end_on = serializers.DateField(required=False, allow_null=True, help_text="default: today")


class DissolveSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    dissolved_on = serializers.DateField()


class LeaveSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    left_on = serializers.DateField(required=False, allow_null=True, help_text="default: today")


class PartyMemberSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    party_org = serializers.IntegerField(source="party_org_id", read_only=True)
    party_org_name = serializers.CharField(source="party_org.name", read_only=True)
    employer = serializers.CharField(source="employer.uscc", read_only=True, allow_null=True, default=None)
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True, default=None)
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, read_only=True,
                                     help_text="empty when unknown")
    id_number_masked = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    # Only the year beside a masked ID number: mask + full birth date + check digit would give the number back.
    # The full date comes with the ID number from `reveal`.
    birth_year = serializers.SerializerMethodField()

    class Meta:
        model = PartyMember
        fields = ["id", "name", "gender", "birth_year", "id_number_masked", "phone_masked", "membership",
                  "joined_on", "probation_ends_on", "party_org", "party_org_name", "employer", "employer_name",
                  "is_full_time_staff", "is_active", "left_on", "created_at", "updated_at"]
        read_only_fields = fields

    def get_birth_year(self, member) -> int | None:
        return member.birth_date.year if member.birth_date else None

    def get_id_number_masked(self, member) -> str:
        return mask(member.id_number, 3, 4)

    def get_phone_masked(self, member) -> str:
        return mask(member.phone, 3, 4)


class PartyMemberWriteSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    name = serializers.CharField(max_length=64)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=32, write_only=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32, write_only=True,
                                  validators=[registry_rules.phone])
    membership = serializers.ChoiceField(choices=Membership.choices, required=False)
    joined_on = serializers.DateField(required=False, allow_null=True)
    probation_ends_on = serializers.DateField(required=False, allow_null=True)
    party_org = serializers.IntegerField(help_text="id of the party organization")
    employer = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=18,
                                     help_text="USCC of the employing social organization")
    is_full_time_staff = serializers.BooleanField(
        required=False, help_text="Full-time staff of the employing organization's standing office")


class RevealSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    id_number = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)


class AssignmentSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.uscc", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = InstructorAssignment
        fields = ["id", "organization", "organization_name", "start_on", "end_on"]
        read_only_fields = fields


class AssignmentAddSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    organization = serializers.CharField(max_length=18, help_text="USCC of the organization")
    start_on = serializers.DateField(required=False, allow_null=True)


class InstructorSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    phone_masked = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()

    class Meta:
        model = Instructor
        fields = ["id", "kind", "name", "name_pinyin", "unit_and_post", "phone_masked", "region", "region_name",
                  "appointed_on", "status", "left_on", "organizations", "created_at", "updated_at"]
        read_only_fields = fields

    def get_phone_masked(self, instructor) -> str:
        return mask(instructor.phone, 3, 4)

    def get_organizations(self, instructor) -> list[str]:
        """USCCs of the organizations the instructor is assigned to today."""
        return [a.organization.uscc for a in getattr(instructor, "current_assignments", [])]


class InstructorWriteSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=InstructorKind.choices, required=False)
    name = serializers.CharField(max_length=64)
    unit_and_post = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32, write_only=True,
                                  validators=[registry_rules.phone])
    region = serializers.CharField(max_length=6, help_text="code of the dispatching region")
    appointed_on = serializers.DateField(required=False, allow_null=True)


class FindMemberSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    id_number = serializers.CharField(max_length=32, help_text=_("The ID number to look up (exact)."))


class FindInstructorSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    phone = serializers.CharField(max_length=32, help_text=_("The phone number to look up (exact)."))
