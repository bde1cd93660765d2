"""The base of every API view: authentication, scopes, rate limits, JSON in
and out, problem responses; the schema class that documents them is in
``verification.api.openapi``.

Views of other modules (webhooks, evidence) subclass ``ApiView`` too, so the
whole API behaves alike; settings make the same classes DRF's defaults.
"""

import re
from itertools import chain
from json import JSONDecodeError

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.utils import json
from rest_framework.views import APIView

from verification.api.auth import BearerKeyAuthentication, MethodScope
from verification.api.errors import Problem, exception_handler, too_many_fields
from verification.api.openapi import ApiAutoSchema, ProblemSerializer  # noqa: F401  (re-exported)
from verification.api.throttling import ApiRateThrottle


class LimitedJSONParser(JSONParser):
    """JSONParser reads the whole stream whatever its size, and Python's json
    recurses once per level of nesting (10 KB of '[' was a RecursionError and a
    500). This one stops at DATA_UPLOAD_MAX_MEMORY_SIZE (413), refuses nesting
    deeper than API_MAX_JSON_DEPTH before parsing, and names what is wrong with
    a body it cannot read in ``errors``."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        parser_context = parser_context or {}
        request = parser_context.get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and length and length.isdigit() and int(length) > limit:
            raise Problem(413, gettext("A JSON body may be at most %(limit)s bytes.") % {"limit": limit})
        if stream is None:
            return {}
        raw = stream.read(limit + 1 if limit is not None else -1)
        if limit is not None and len(raw) > limit:
            raise Problem(413, gettext("A JSON body may be at most %(limit)s bytes.") % {"limit": limit})
        depth = settings.API_MAX_JSON_DEPTH
        if nests_deeper(raw, depth):
            raise _body_problem(
                gettext("The body nests more than %(depth)s levels deep.") % {"depth": depth},
                gettext("JSON nests deeper than %(depth)s levels; flatten the body.") % {"depth": depth},
                code="too_deeply_nested",
            )
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            name = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
            raise _body_problem(
                gettext("The body is not valid %(name)s.") % {"name": name},
                gettext("Not valid %(name)s: byte 0x%(value)s at position %(start)s.")
                % {"name": name, "value": format(raw[exc.start], "02x"), "start": exc.start},
            ) from None
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except JSONDecodeError as exc:
            raise _body_problem(
                gettext("The body is not valid JSON."),
                gettext("Not valid JSON: %(msg)s at line %(lineno)s column %(colno)s.")
                % {"msg": exc.msg, "lineno": exc.lineno, "colno": exc.colno},
            ) from None
        except ValueError as exc:  # NaN and Infinity, which strict JSON has not
            raise _body_problem(
                gettext("The body is not valid JSON."), gettext("Not valid JSON: %(exc)s.") % {"exc": exc}
            ) from None


def _body_problem(detail: str, message: str, code: str = "malformed_body") -> Problem:
    detail = gettext("%(problem)s Correct it and send the request again.") % {"problem": detail}
    return Problem(400, detail, code=code, errors={"body": [message]})


# Every byte but the four brackets, and the brackets as opening and closing.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_ESCAPE = re.compile(rb"\\.", re.DOTALL)


def nests_deeper(raw: bytes, limit: int) -> bool:
    """Whether the brackets outside strings nest deeper than ``limit``: read
    before json.loads, which would recurse once per level.

    In bytes operations only (a Python loop over 5 MB of '[]' took 6 s):
    1. drop escapes, then every other piece between quotes (the strings);
    2. keep the brackets as '(' and ')';
    3. remove the innermost pairs ``limit`` times: a valid body is then empty.
    A pair left over nests deeper; so do more than ``limit`` unclosed openers.
    A broken body with fewer is left to json.loads, which recurses at most
    2 x limit deep before it reports the error."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the usual body: too few brackets to nest that deep
    if b"\\" in raw:
        raw = _ESCAPE.sub(b"", raw)
    brackets = b"".join(raw.split(b'"')[::2]).translate(_AS_PARENS, _NOT_BRACKETS)
    too_deep = b"(" * (limit + 1)
    for _ in range(limit):
        if too_deep in brackets:
            return True
        inner_removed = brackets.replace(b"()", b"")
        if len(inner_removed) == len(brackets):
            break
        brackets = inner_removed
    return b"()" in brackets or brackets.count(b"(") > limit


# A key naming a part of a field: attributions[0][source], grade.rationale.
_NESTED_KEY = re.compile(r"[\[\].]")
SEND_JSON = "Nested fields cannot be sent as form data: send the body as JSON (Content-Type: application/json)."


def refuse_nested_keys(keys) -> None:
    """Form data is flat; DRF would read some nested spellings and silently
    drop others, so every key that looks nested is refused alike."""
    nested = sorted({key for key in keys if _NESTED_KEY.search(key)})
    if nested:
        raise exceptions.ValidationError({key: [SEND_JSON] for key in nested})


class FlatFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except TooManyFieldsSent as exc:
            raise too_many_fields("body", exc) from None
        refuse_nested_keys(data)
        return data


class FlatMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            raise too_many_fields("body", exc) from None
        refuse_nested_keys(chain(parsed.data, parsed.files))
        return parsed


class AlwaysJSON(BaseContentNegotiation):
    """The API speaks JSON only; answering JSON beats a 406 for clients that
    send browser-like Accept headers."""

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type.endswith("+json"):  # application/merge-patch+json and friends
            content_type = "application/json"
        return next((parser for parser in parsers if parser.media_type == content_type), None)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(APIView):
    authentication_classes = [BearerKeyAuthentication, SessionAuthentication]
    permission_classes = [MethodScope]
    throttle_classes = [ApiRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [LimitedJSONParser, FlatFormParser, FlatMultiPartParser]
    content_negotiation_class = AlwaysJSON
    schema = ApiAutoSchema()
    read_scope = "read"
    write_scope = "review"
    problem_codes: tuple[int, ...] = ()

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        """DRF's order is authenticate, permissions, throttle. Here the method
        is checked first, and the rate is counted before any 401, so failed
        and missing keys are throttled too (per address, at the 'anon' rate),
        which slows key guessing."""
        self.format_kwarg = None
        if not hasattr(self, request.method.lower()):
            # A method the path lacks is 405 whoever asks, before any 401 or 403.
            self.http_method_not_allowed(request)
        try:
            refuse_nul_characters(request)  # the first to read the query string
            refuse_repeated_parameters(request)
        except TooManyFieldsSent as exc:
            raise too_many_fields("query", exc) from None
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(request)
        request.version, request.versioning_scheme = None, None
        try:
            self.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            self.check_throttles(request)
            raise
        self.check_throttles(request)
        self.check_permissions(request)


def refuse_nul_characters(request) -> None:
    """PostgreSQL text cannot hold a NUL byte, so a query parameter with one
    would fail in the database (a 500); refuse it here, once for every view.
    Body fields are covered by DRF's CharField, which refuses NUL already."""
    bad = sorted(
        {
            name
            for name, values in request.query_params.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
    )
    if bad:
        raise exceptions.ValidationError(
            {
                name.replace("\x00", "") or "query": [
                    "Contains a NUL character (%00), which no field can hold. Remove it and send the request again."
                ]
                for name in bad
            }
        )


def refuse_repeated_parameters(request) -> None:
    """Every query parameter of the API takes one value (lists are
    comma-separated: ?state=queued,published); a second one was silently
    ignored, so ?tag=a&tag=b looked like a filter on both."""
    repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
    if repeated:
        raise exceptions.ValidationError(
            {
                name: [
                    gettext(
                        "Given more than once: give it once (several values comma-separated, where it takes a list)."
                    )
                ]
                for name in repeated
            }
        )


def not_found(what: str, pk) -> exceptions.NotFound:
    return exceptions.NotFound(gettext("%(what)s %(id)s does not exist.") % {"what": what, "id": pk})
