"""Serializer plumbing shared by the domain apps' APIs."""

from rest_framework import serializers

from socorg.core.text import refusing_control_characters


class RefuseControlCharactersMixin:
    """Every writable text field of the serializer (and of the query-parameter serializers) refuses control
    characters (core.text): 400 naming the field, instead of a stored invisible character that breaks exports, or
    a NUL that PostgreSQL refuses with a 500."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if field.read_only:
                continue
            if isinstance(field, serializers.ListField):
                field = field.child
            if isinstance(field, serializers.CharField):
                field.validators = refusing_control_characters(field.validators)
        return fields
