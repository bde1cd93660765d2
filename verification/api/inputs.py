"""What every input serializer shares: a field it does not know is an error.

DRF ignores unknown keys, so a misspelt field ("colour", "attribution") was
silently dropped and the write went ahead without it. Put ``StrictInput``
before ``serializers.Serializer`` in the bases of every input serializer;
nested input serializers refuse their own unknown keys, named by their path
("attributions.1.sauce").
"""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.settings import api_settings

# Form posts from a signed-in browser may carry Django's CSRF token as a field.
NOT_FIELDS = {"csrfmiddlewaretoken"}


class StrictInput:
    def to_internal_value(self, data):
        unknown = self.unknown_fields(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not unknown:
                raise
            # Every mistake in one answer: the field errors and the unknown fields.
            detail = exc.detail if isinstance(exc.detail, Mapping) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
            raise serializers.ValidationError({**detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def unknown_fields(self, data) -> dict[str, list[str]]:
        if not isinstance(data, Mapping):
            return {}  # DRF answers "expected a dictionary" itself
        known = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - known - NOT_FIELDS)
        if not unknown:
            return {}
        message = f"Unknown field; this request takes: {', '.join(sorted(known))}."
        return {name: [message] for name in unknown}
