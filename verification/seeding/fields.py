"""Strict DRF fields for seed files.

A seed file is written by hand, so these take JSON as written and coerce
nothing: "5" is not a number, 5 is not a text, a time needs its zone. Null
means "not given" (like leaving the field out), and every message says what
to write instead. References to sources and conflicts are checked against the
SeedIndex in the serializer's context (see checks.py).
"""

from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.fields import empty

# PostgreSQL text cannot hold NUL: without this check the write would fail, not explain.
NO_NUL = ProhibitNullCharactersValidator(message="Contains a NUL character (\\u0000); remove it.")


class NullMeansAbsent:
    """Mixed into every seed field and object: null is read as a missing field."""

    def validate_empty_values(self, data):
        return super().validate_empty_values(empty if data is None else data)


class Text(NullMeansAbsent, serializers.CharField):
    """Trimmed text. Optional texts (required=False) may be empty and default to ""."""

    default_error_messages = {
        "required": "Required.",
        "invalid": "Must be text.",
        "blank": "May not be empty.",
        "max_length": "At most {max_length} characters.",
    }

    def __init__(self, **kwargs):
        if kwargs.get("required") is False:
            kwargs.setdefault("allow_blank", True)
            kwargs.setdefault("default", "")
        super().__init__(**kwargs)
        self.validators = [NO_NUL if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]

    def to_internal_value(self, data):
        if not isinstance(data, str):  # DRF would turn 5 into "5"; in a seed file that is a slip
            self.fail("invalid")
        return data.strip()


class Url(Text):
    def __init__(self, max_length=2000, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators.append(URLValidator(schemes=["http", "https"], message="'%(value)s' is not an http(s) URL."))


class TextList(NullMeansAbsent, serializers.ListField):
    """A list of non-empty texts (aliases, tags); defaults to []."""

    default_error_messages = {"not_a_list": "Must be a list of texts."}

    def __init__(self, max_length: int, **kwargs):
        super().__init__(child=Text(max_length=max_length), required=False, default=list, **kwargs)


class Choice(NullMeansAbsent, serializers.ChoiceField):
    """One of the model's choice values, exactly as stored ("likely_true", not "Likely true")."""

    default_error_messages = {
        "required": "Required.",
        "invalid_choice": "'{input}' is not allowed; use one of {choices}.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choices:
            self.fail("invalid_choice", input=data, choices=", ".join(self.choices))
        return data


class WholeNumber(NullMeansAbsent, serializers.IntegerField):
    default_error_messages = {
        "required": "Required.",
        "invalid": "{value} is not a whole number; write one from {low} to {high}, without quotes.",
        "range": "{value} is out of range: use a whole number from {low} to {high}.",
    }

    def __init__(self, low: int, high: int, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid", value=repr(data), low=self.low, high=self.high)
        if not self.low <= data <= self.high:
            self.fail("range", value=repr(data), low=self.low, high=self.high)
        return data


class Fraction(NullMeansAbsent, serializers.FloatField):
    default_error_messages = {
        "required": "Required.",
        "invalid": "{value} is not a number; write one from {low} to {high}, without quotes.",
        "range": "{value} is out of range: use a number from {low} to {high}.",
    }

    def __init__(self, low: float, high: float, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid", value=repr(data), low=self.low, high=self.high)
        if not self.low <= data <= self.high:  # also refuses NaN, which Python's json accepts
            self.fail("range", value=repr(data), low=self.low, high=self.high)
        return data


class Moment(NullMeansAbsent, serializers.DateTimeField):
    """An ISO 8601 time with its zone; DRF would quietly read a zoneless time in the server's zone."""

    default_error_messages = {
        "required": "Required.",
        "invalid": "{value} is not an ISO 8601 time with a zone, e.g. 2024-10-18T09:00:00Z.",
    }

    def validate_empty_values(self, data):
        return super().validate_empty_values(None if data == "" else data)

    def to_internal_value(self, value):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but impossible, e.g. month 13
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail("invalid", value=repr(value))
        return parsed


class SourceRef(Text):
    """The name of a source: one defined under "sources" in any seed file, or
    exactly one live record already in the database."""

    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        problem = self.context["index"].source_problem(name)
        if problem:
            raise serializers.ValidationError(problem)
        return name


class ConflictRef(Text):
    """The name of a conflict defined under "conflicts" or already in the database."""

    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        if name not in self.context["index"].conflicts:
            raise serializers.ValidationError(f"Unknown conflict '{name}': define it under \"conflicts\".")
        return name
