from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin
from socorg.party.models import ResponsibleBody
from socorg.registry.models import SocialOrganization

from ..queries import BY_CHOICES


class FiguresQuerySerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = serializers.CharField(required=False, help_text=gettext_lazy("Region code (default: your own region)"))
    by = serializers.ChoiceField(choices=BY_CHOICES, default="region", required=False)
    as_of = serializers.DateField(required=False, help_text=gettext_lazy("Figures as of this date (default today)"))
    responsible = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62,
        help_text=gettext_lazy("Only the organizations this responsible party body (id) is responsible for"))

    def validate_responsible(self, value):
        body = ResponsibleBody.objects.filter(pk=value).first()
        if body is None:
            raise serializers.ValidationError(_("No responsible party body has the id %(id)s; give the id of an "
                                                "existing one.") % {"id": value})
        return body

    def validate_as_of(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date %(date)s is in the future; give today or an earlier date.")
                                              % {"date": value.isoformat()})
        return value


class RegionRefSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    full_name = serializers.CharField()


class TotalsSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    orgs = serializers.IntegerField()
    org_covered = serializers.IntegerField()
    org_uncovered = serializers.IntegerField()
    org_covered_formal = serializers.IntegerField(
        help_text=gettext_lazy("Covered by a formal (non-functional) party organization"))
    org_uncovered_formal = serializers.IntegerField()
    work_covered = serializers.IntegerField()
    work_uncovered = serializers.IntegerField()
    standalone = serializers.IntegerField()
    should_build = serializers.IntegerField()
    should_build_built = serializers.IntegerField()
    should_build_missing = serializers.IntegerField()
    party_orgs = serializers.IntegerField()
    party_orgs_functional = serializers.IntegerField()
    full_members = serializers.IntegerField()
    filed_community_orgs = serializers.IntegerField(help_text=gettext_lazy(
        "Filed (备案) community organizations in force; not part of orgs nor of any rate"))
    org_coverage_rate = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("org_covered ÷ orgs (functional party organizations included)"))
    org_coverage_rate_formal = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("org_covered_formal ÷ orgs (formal party organizations only)"))
    work_coverage_rate = serializers.FloatField(allow_null=True)
    standalone_rate = serializers.FloatField(allow_null=True)
    build_rate = serializers.FloatField(allow_null=True)


class DirectSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    totals = TotalsSerializer()


class GroupRefSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class ChildSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = RegionRefSerializer(required=False, help_text=gettext_lazy("With by=region"))
    group = GroupRefSerializer(required=False, help_text=gettext_lazy("With any other breakdown"))
    totals = TotalsSerializer()


class ResponsibleRefSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class FiguresSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    region = RegionRefSerializer()
    responsible = ResponsibleRefSerializer(allow_null=True)
    as_of = serializers.DateField()
    by = serializers.CharField()
    source = serializers.CharField()
    totals = TotalsSerializer()
    direct = DirectSerializer(allow_null=True)
    children = ChildSerializer(many=True)


class SnapshotPointSerializer(RefuseControlCharactersMixin, serializers.Serializer):
    period = serializers.CharField()
    taken_at = serializers.DateTimeField()
    totals = TotalsSerializer()


class OrgBehindSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    authority_region = serializers.CharField(source="authority_region_id")
    authority_region_name = serializers.CharField(source="authority_region.name")
    org_covered = serializers.SerializerMethodField()
    org_covered_formal = serializers.SerializerMethodField()
    work_covered = serializers.SerializerMethodField()
    standalone = serializers.SerializerMethodField()

    class Meta:
        model = SocialOrganization
        fields = ["uscc", "name", "org_type", "category", "authority_region", "authority_region_name",
                  "authority_level", "status", "org_covered", "org_covered_formal", "work_covered", "standalone",
                  "full_members"]

    # For a past date the flags were recomputed as of then (calc_*); today they are the stored ones.
    def _flag(self, org, name: str) -> bool:
        return bool(getattr(org, f"calc_{name}", getattr(org, name)))

    def get_org_covered(self, org) -> bool:
        return self._flag(org, "org_covered")

    def get_org_covered_formal(self, org) -> bool:
        return self._flag(org, "org_covered_formal")

    def get_work_covered(self, org) -> bool:
        return self._flag(org, "work_covered")

    def get_standalone(self, org) -> bool:
        return self._flag(org, "standalone")
