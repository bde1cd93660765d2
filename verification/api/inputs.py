"""What every input serializer shares: a field it does not know is an error,
and so is a JSON value of another type than the schema gives.

DRF ignores unknown keys, so a misspelt field ("colour", "attribution") was
silently dropped and the write went ahead without it. Put ``StrictInput``
before ``serializers.Serializer`` in the bases of every input serializer;
nested input serializers refuse their own unknown keys, named by their path
("attributions.1.sauce").

DRF also converts between JSON types: ``"active": 0`` was read as false,
``"priority": "80"`` as 80 and ``"rationale": 12`` as "12", where the schema
says boolean, integer and string. In a JSON body each field must have its
type. Form data carries only strings, so it is converted as before.

Django's URLValidator lets through characters no IRI (RFC 3987) may hold: a
control character in the user name, a '<' or '{' in the path. A URL field
refuses them, as the schema's ``format: iri`` does; Cyrillic host names and
paths stay welcome.
"""

from collections.abc import Mapping

from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.settings import api_settings

from verification.urlnorm import URL_CHARACTERS, URL_ERRORS, WebURLValidator, is_iri

# Form posts from a signed-in browser may carry Django's CSRF token as a field.
NOT_FIELDS = {"csrfmiddlewaretoken"}


class StrictInput:
    def to_internal_value(self, data):
        problems = {**self.unknown_fields(data), **self.mistyped_fields(data), **self.non_iri_urls(data)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not problems:
                raise
            # Every mistake in one answer: the field errors, unknown and mistyped fields.
            detail = exc.detail if isinstance(exc.detail, Mapping) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
            raise serializers.ValidationError({**detail, **problems}) from None
        if problems:
            raise serializers.ValidationError(problems)
        return value

    def unknown_fields(self, data) -> dict[str, list[str]]:
        if not isinstance(data, Mapping):
            return {}  # DRF answers "expected a dictionary" itself
        known = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - known - NOT_FIELDS)
        if not unknown:
            return {}
        message = gettext("Unknown field; this request takes: %(fields)s.") % {"fields": ", ".join(sorted(known))}
        return {name: [message] for name in unknown}

    def mistyped_fields(self, data) -> dict[str, list[str]]:
        if not isinstance(data, Mapping) or isinstance(data, QueryDict):
            return {}  # form data: strings only, converted by the fields
        problems = {}
        for name, field in self.fields.items():
            if name in data and not field.read_only and (wanted := wrong_type(field, data[name])):
                problems[name] = [gettext("Send %(wanted)s.") % {"wanted": wanted}]
        return problems

    def non_iri_urls(self, data) -> dict[str, list[str]]:
        if not isinstance(data, Mapping):
            return {}
        problems = {}
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(field, serializers.URLField) and isinstance(value, str) and not is_iri(value.strip()):
                problems[name] = [URL_CHARACTERS]
        return problems


class HttpURLField(serializers.URLField):
    """A URL the desk fetches or posts to: http or https only, said by the field
    (and so by the schema) rather than found out by the fetcher. Its messages
    are the desk's and the domain's (verification.urlnorm), word for word."""

    def __init__(self, **kwargs):
        kwargs["error_messages"] = {**URL_ERRORS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)] + [WebURLValidator()]


def wrong_type(field, value) -> str | None:
    """What JSON type ``field`` takes, if ``value`` is not of it; None if it is
    (or if the field checks the type itself: nested serializers, dates, files)."""
    if value is None:
        return None  # allow_null is the field's to check
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(field, serializers.IntegerField) or _integer_pk(field):
        return None if isinstance(value, int) and not isinstance(value, bool) else "a whole number"
    if isinstance(field, serializers.FloatField):
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "a number"
    if isinstance(field, serializers.MultipleChoiceField):
        return None
    if isinstance(field, serializers.CharField) or _string_choices(field):
        return None if isinstance(value, str) else "a string"
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "a list"
        wanted = next((w for item in value if (w := wrong_type(field.child, item))), None)
        return f"a list whose items are each {wanted}" if wanted else None
    return None


def _string_choices(field) -> bool:
    return isinstance(field, serializers.ChoiceField) and all(isinstance(key, str) for key in field.choices)


INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _integer_pk(field) -> bool:
    """A related object's integer id (the schema's type), not the string of one."""
    if not isinstance(field, serializers.PrimaryKeyRelatedField) or field.pk_field is not None:
        return False
    queryset = field.get_queryset()
    return queryset is not None and queryset.model._meta.pk.get_internal_type() in INTEGER_KEYS
