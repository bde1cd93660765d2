"""The OpenAPI schema of the API (/api/schema/): the class every view's
schema is made by, the problem body, and the bearer key scheme.

The schema says what the server does, so that a client (and schemathesis,
tests/api/test_api_schemathesis.py) built from it is neither refused nor let
through by surprise; ``ApiAutoSchema`` lists how.
"""

from django.core.validators import RegexValidator, URLValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from verification.api.errors import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from verification.api.inputs import StrictInput


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (application/problem+json)."""

    type = serializers.CharField(help_text="Stable URN naming the problem, e.g. urn:claimdesk:problem:stale_version.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong and what to do next.")
    instance = serializers.CharField(required=False, help_text="The request path.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On validation errors: each field and its messages.",
    )
    current_version = serializers.IntegerField(required=False, allow_null=True, help_text="On 409/412.")
    changed_by = serializers.CharField(
        required=False, allow_null=True, help_text="On 409/412: who made the last change."
    )
    change = serializers.CharField(required=False, allow_null=True, help_text="On 409/412: what that change was.")
    retry_after = serializers.IntegerField(required=False, help_text="On 429: seconds to wait.")
    existing_id = serializers.IntegerField(required=False, help_text="On 409 duplicate_source: the source that exists.")


class ApiAutoSchema(AutoSchema):
    """The schema says what the server does, so that a client (and
    schemathesis) built from it is neither refused nor let through by surprise:

    * every problem response an operation can give is listed;
    * request bodies are JSON; an upload names its multipart form with
      ``extend_schema(request={media type: serializer})`` (form data reaches
      every view, but it cannot carry nested fields or null, so it is not
      offered elsewhere);
    * input serializers refuse unknown fields (``StrictInput``), so their
      request schemas say ``additionalProperties: false``; one that needs
      exactly one of several fields names them in ``requires_one_of``, at
      least one in ``requires_any_of``;
    * an empty query parameter (``?until=``) means the parameter is not
      given, on every list and lookup: ``allowEmptyValue`` where the
      parameter's schema does not take "" already;
    * no string the API reads may hold a NUL character (DRF's CharField
      refuses it in bodies, ``refuse_nul_characters`` in queries), and a URL
      field takes an IRI that Django's URLValidator takes: both as a
      ``pattern``, with ``format: iri``.
    """

    def map_parsers(self):
        return ["application/json"]

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query":
                refuse_nul(parameter.get("schema"))
                if not parameter.get("required") and not _admits_empty(parameter.get("schema", {})):
                    parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.URLField) and schema.get("format") == "uri":
            # IRIs, not only URIs: Cyrillic host names and paths are welcome.
            schema.update(format="iri", pattern=url_pattern(field))
        if direction == "request" and _trimmed_and_required(field, schema):
            schema["pattern"] = NOT_BLANK  # "  " is blank once trimmed, and refused
        if direction == "request" and isinstance(field, serializers.PrimaryKeyRelatedField):
            if schema.get("type") == "integer":
                schema["minimum"] = 1  # ids start at 1
        return schema

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        serializer = force_instance(serializer)
        if direction == "request":
            for field_schema in schema.get("properties", {}).values():
                refuse_nul(field_schema)
        if direction == "request" and isinstance(serializer, StrictInput):
            schema["additionalProperties"] = False
            for keyword in ("oneOf", "anyOf"):
                if names := getattr(serializer, REQUIRES[keyword], ()):
                    schema[keyword] = [_given(name, serializer.fields[name]) for name in names]
        return schema

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body is None:
            return None  # no body (GET, DELETE): asking for its serializer would only warn
        requested = self.get_request_serializer()
        inputs = requested.values() if isinstance(requested, dict) else [requested]
        if any(getattr(force_instance(s), n, ()) for s in inputs for n in REQUIRES.values()):
            body["required"] = True  # an empty body lacks them all
        return body

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "414", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        codes += [str(code) for code in getattr(self.view, "problem_codes", ())]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=(PROBLEM_CONTENT_TYPE,)
                )
        return responses


# The serializer attribute naming the fields each combinator is made of.
REQUIRES = {"oneOf": "requires_one_of", "anyOf": "requires_any_of"}
NO_NUL = r"^[^\u0000]*$"
# What Python's str.strip() removes (str.isspace), spelt out: ECMA's \s differs.
WHITESPACE = r"\t\n\u000b\f\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A string DRF's CharField keeps: something besides whitespace, no NUL.
NOT_BLANK = rf"^[^\u0000]*[^\u0000{WHITESPACE}][^\u0000]*$"


def refuse_nul(schema) -> None:
    """Give every plain string in ``schema`` (list items, ``oneOf`` branches
    included) the NUL-free pattern; enums, formats and patterns are left alone."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
        schema["pattern"] = NO_NUL
    for branch in schema.get("oneOf", ()):
        refuse_nul(branch)
    refuse_nul(schema.get("items"))
    refuse_nul(schema.get("additionalProperties"))


def url_pattern(field) -> str:
    """Django's URLValidator rules that ``format: iri`` leaves out, as an
    ECMA-262 pattern: the field's schemes; a host that is an IP address,
    localhost, or a name of two to four labels (Latin, Cyrillic, digits,
    inner hyphens), at most 253 characters, ending in a top-level domain of
    two or more letters or an xn-- label. A little narrower than Django
    (other scripts, five labels), never wider.

    Django's own regex, with its Unicode ranges and look-arounds, made
    schemathesis take minutes per operation to build test cases; this one
    takes the same URLs a client would send. The characters an IRI may hold
    are the ``iri`` format's (and ``StrictInput``'s) to check."""
    validator = next(v for v in field.validators if isinstance(v, URLValidator))
    schemes = "|".join(_any_case(scheme) for scheme in validator.schemes)
    letter = r"a-zA-Z\u0400-\u04ff"
    label = f"[{letter}0-9](?:[{letter}0-9-]{{0,60}}[{letter}0-9])?"  # up to 62 characters
    top = f"(?:[{letter}]{{2,63}}|{_any_case('xn--')}[a-zA-Z0-9]{{1,59}})"
    name = f"(?:{label}\\.){{1,3}}{top}\\.?"  # at most 3 x 63 + 64 = 253 characters
    host = "|".join((validator.ipv4_re, f"\\[(?:{IPV6})\\]", _any_case("localhost"), name))
    return (
        f"^(?:{schemes})://"
        r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"  # user:password@
        f"(?:{host})"
        r"(?::[0-9]{1,5})?"  # port
        r"(?:[/?#]\S*)?$"  # path, query, fragment
    )


# An IPv6 address in its full or compressed form (not with a dotted IPv4 tail).
_H16 = "[0-9a-fA-F]{1,4}"
IPV6 = "|".join(
    [f"(?:{_H16}:){{7}}{_H16}", f"(?:{_H16}:){{1,7}}:", f":(?::{_H16}){{1,7}}", "::"]
    + [f"(?:{_H16}:){{1,{n}}}(?::{_H16}){{1,{7 - n}}}" for n in range(1, 7)]
)


def _any_case(text: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in text)


def _admits_empty(schema) -> bool:
    """Whether "" fits ``schema`` already (a plain string): allowEmptyValue says nothing more there."""
    plain = schema.get("type") == "string" and not {"enum", "format", "minLength"} & schema.keys()
    return plain and schema.get("pattern", NO_NUL) == NO_NUL


def _trimmed_and_required(field, schema) -> bool:
    """A CharField that trims and refuses blank, mapped to a plain string."""
    return (
        isinstance(field, serializers.CharField)
        and field.trim_whitespace
        and not field.allow_blank
        and schema.get("type") == "string"
        and not {"enum", "format", "pattern"} & schema.keys()
        and not any(isinstance(v, RegexValidator) for v in field.validators)  # its own pattern
    )


def _given(name: str, field) -> dict:
    """The JSON schema of ``name`` being sent and not empty, as ``validate`` reads it."""
    if isinstance(field, serializers.ListField):
        return {"required": [name], "properties": {name: {"minItems": 1}}}
    if isinstance(field, serializers.FileField):
        return {"required": [name]}
    return {"required": [name], "properties": {name: {"pattern": f"[^{WHITESPACE}]"}}}  # not blank once stripped


class BearerKeyScheme(OpenApiAuthenticationExtension):
    """Documents API keys as an HTTP bearer scheme in the schema."""

    target_class = "verification.api.auth.BearerKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `manage.py apikey create`: `Authorization: Bearer cd_…`.",
        }
