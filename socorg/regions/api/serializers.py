from rest_framework import serializers

from socorg.core.api.serializers import RefuseControlCharactersMixin

from ..models import Region


class RegionSerializer(RefuseControlCharactersMixin, serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)
    successor = serializers.CharField(source="successor_id", allow_null=True, read_only=True)
    is_retired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level", "parent", "pinyin", "pinyin_initials", "valid_from",
                  "valid_to", "successor", "is_retired"]
