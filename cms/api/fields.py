"""Input fields and serializers stricter than DRF's defaults."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

# JSON Schema patterns (ECMA and Python alike): not whitespace only and no NUL character
# (which PostgreSQL cannot store or compare); no NUL character.
NOT_BLANK_NOR_NUL = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
NO_NUL = r"^[^\u0000]*$"


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: DRF's would store ``1e999`` as "inf" and
    ``true`` as "True"."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return str(super().to_internal_value(data))


class ClosedSerializer(serializers.Serializer):
    """Request input that refuses any field it does not define, naming each (a misspelt or
    read-only field silently dropped looks like a working write). The OpenAPI document
    declares these bodies ``additionalProperties: false`` (``cms.api.schema``)."""

    unknown_field_message = "This field cannot be set here."
    # JSON Schema keywords by field, for rules checked past the serializer (by a service).
    documented_rules: dict[str, dict[str, Any]] = {}
    # False where a PATCH takes the whole input (the view does not validate it as partial).
    partial_on_patch = True

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: [self.unknown_field_message] for name in sorted(unknown)}
            )
        return attrs
