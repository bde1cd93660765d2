"""Status reads: by id (the hot path), by URL or text, and in bulk.

GET /claims/{id}/status is what newsroom CMSs poll, so it skips DRF's request
cycle (Request wrapping, negotiation, renderers) and does only what the
answer needs: one indexed query for the key's digest, one throttle counter in
the cache, one read of six columns, an ETag from id and version, and a
JsonResponse (or a bodiless 304). The DRF class stays for the schema and
shares the same helpers, so both paths answer alike.
"""

from django.http import HttpResponseNotModified, JsonResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from verification.api.auth import authenticate_key, role_scopes
from verification.api.base import ApiView
from verification.api.conditional import etag_for, none_match
from verification.api.errors import Problem, logged_problem, problem
from verification.api.inputs import StrictInput
from verification.api.prepared import PreparedQuery
from verification.api.throttling import hit, identity_of
from verification.api.visibility import ScopedSerializer
from verification.matching import find_matches
from verification.models import Appearance, Claim, Verdict
from verification.status import public_url, status_from_values  # noqa: F401  (public_url re-exported)
from verification.urlnorm import normalise_url

COLUMNS = ("id", "state", "verdict", "confidence", "updated_at", "version")
BULK_MAX = 100
LOOKUP_LIMIT = 50


def status_of(row: tuple) -> dict:
    """Status fields from a COLUMNS row; the same fields as verification.status."""
    return status_from_values(*row[:5])


# The claim half of the hot path, compiled once (see verification.api.prepared).
_STATUS_ROW = PreparedQuery(lambda pk: Claim.objects.filter(pk=pk).order_by().values_list(*COLUMNS)[:1], -1)


def status_response(claim_id: int, if_none_match: str | None):
    # The prepared query skips the ORM's range check: an id past bigint exists
    # nowhere, and the drivers refuse to send it (a 500 before).
    row = _STATUS_ROW.fetch(claim_id) if claim_id <= 2**63 - 1 else None
    if row is None:
        raise exceptions.NotFound(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
    etag = etag_for(claim_id, row[5])
    if none_match(if_none_match, etag):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(status_of(row))
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def lean_principal(request):
    """(key, user) for the lean path, with the same answers as the DRF classes:
    any valid key may read; a session user needs a role."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header:
        return authenticate_key(header), None
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    if "read" not in role_scopes(user):
        raise exceptions.PermissionDenied(
            gettext("This needs the 'read' scope, which your role does not give. Ask an admin.")
        )
    return None, user


# The answers below are built as dicts by verification.status (the lean path
# has no serializer); these classes describe them in the schema, with the
# field lists of verification/api/visibility.py. Every field is public.
class StatusFieldsSerializer(ScopedSerializer):
    visibility = "status"
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Claim.State.choices)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        allow_null=True,
        help_text="Of the published verdict: null before the first, kept while reopened.",
    )
    confidence = serializers.FloatField(allow_null=True)
    updated_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="The claim's public verdict page.")


class ClaimStatusView(ApiView):
    """GET /claims/{id}/status, served by ``dispatch`` without DRF's cycle."""

    @extend_schema(
        operation_id="claims_status",
        summary="A claim's status (fast; ETag and 304)",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={200: StatusFieldsSerializer, 304: OpenApiResponse(description="Not modified.")},
    )
    def get(self, request, pk: int):
        return status_response(pk, request.META.get("HTTP_IF_NONE_MATCH"))

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return problem(
                405, f'Method "{request.method}" not allowed.', instance=request.path, headers={"Allow": "GET, HEAD"}
            )
        try:
            try:
                key, user = lean_principal(request)
            except (exceptions.AuthenticationFailed, exceptions.NotAuthenticated):  # as ApiView.initial
                wait = hit(*identity_of(request, None, None))
                if wait:
                    raise exceptions.Throttled(wait) from None
                raise
            wait = hit(*identity_of(request, key, user))
            if wait:
                raise exceptions.Throttled(wait)
            return status_response(kwargs["pk"], request.META.get("HTTP_IF_NONE_MATCH"))
        except Exception as exc:  # noqa: BLE001 - every error a problem, never a traceback
            return logged_problem(exc, request.path)


# --- Lookup by URL or text -------------------------------------------------


class ScoredStatusSerializer(StatusFieldsSerializer):
    visibility = "scored_status"
    score = serializers.FloatField(
        help_text="1.0 for a URL or identical text; higher is a better match (docs/matching.md)."
    )


class StatusResultsSerializer(ScopedSerializer):
    visibility = "status_results"
    results = ScoredStatusSerializer(many=True)


def lookup_target(url: str, field: str = "url") -> str:
    """The normalised URL to look up; 400 when it cannot be parsed at all
    (a port out of range, a broken IPv6 literal): a 500 before."""
    try:
        return normalise_url(url)
    except ValueError as exc:
        raise exceptions.ValidationError(
            {
                field: [
                    gettext(
                        "%(value)s is not a URL we can read (%(exc)s). Send the article's address as the browser "
                        "shows it."
                    )
                    % {"value": repr(url[:200]), "exc": exc}
                ]
            }
        ) from None


def by_url(url: str) -> list[dict]:
    target = lookup_target(url)
    if not target:
        return []
    rows = (
        Claim.objects.filter(appearances__normalised_url=target)
        .order_by("-updated_at", "-id")
        .values_list(*COLUMNS)
        .distinct()
    )
    return [{**status_of(row), "score": 1.0} for row in rows[:LOOKUP_LIMIT]]


def by_text(text: str, limit: int) -> list[dict]:
    """The claim matcher's matches (verification.matching), best first."""
    matches = find_matches(text, limit=limit)
    rows = {row[0]: row for row in Claim.objects.filter(pk__in=[m.id for m in matches]).values_list(*COLUMNS)}
    return [{**status_of(rows[m.id]), "score": m.score} for m in matches if m.id in rows]


LOOKUP_PARAMETERS = [
    OpenApiParameter(
        "url", OpenApiTypes.STR, description="An article or appearance URL (normalised before comparing)."
    ),
    OpenApiParameter("text", OpenApiTypes.STR, description="A claim's text, or its first words."),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": LOOKUP_LIMIT},
        description=gettext("At most this many results (1–%(lookup_limit)s, default 10).")
        % {"lookup_limit": LOOKUP_LIMIT},
    ),
]


class StatusLookupView(ApiView):
    @extend_schema(
        operation_id="status_lookup",
        summary="Statuses of the claims in an article, or matching a text",
        parameters=LOOKUP_PARAMETERS,
        responses=StatusResultsSerializer,
        description="Give `url` or `text` (400 with neither). 200 with an empty list when nothing matches.",
    )
    def get(self, request):
        url, text = request.query_params.get("url", "").strip(), request.query_params.get("text", "").strip()
        if not url and not text:
            raise Problem(
                400,
                gettext("Give url=<article URL> or text=<claim text>."),
                code="validation_error",
                errors={"url": [gettext("Give url or text.")], "text": [gettext("Give url or text.")]},
            )
        limit = _limit(request.query_params.get("limit"))
        results = by_url(url) if url else []
        if text:
            seen = {r["id"] for r in results}
            results += [r for r in by_text(text, limit) if r["id"] not in seen]
        return Response({"results": results[:limit]})


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return 10
    if not raw.isdigit() or not 1 <= int(raw) <= LOOKUP_LIMIT:
        raise exceptions.ValidationError(
            {"limit": [gettext("Use a number from 1 to %(lookup_limit)s.") % {"lookup_limit": LOOKUP_LIMIT}]}
        )
    return int(raw)


# --- Bulk -------------------------------------------------------------------


class BulkRequestSerializer(StrictInput, serializers.Serializer):
    requires_any_of = ("ids", "urls")  # for the schema: the view refuses neither
    # max_value: a larger id exists in no table, and the databases refuse to compare with it (500 before).
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=BULK_MAX,
    )
    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, default=list, max_length=BULK_MAX
    )


class UrlResultsSerializer(ScopedSerializer):
    visibility = "url_results"
    url = serializers.CharField(help_text="As sent.")
    results = ScoredStatusSerializer(many=True)


class BulkResponseSerializer(ScopedSerializer):
    visibility = "bulk_status"
    claims = StatusFieldsSerializer(many=True, help_text="One per id found, in the order asked.")
    missing_ids = serializers.ListField(child=serializers.IntegerField())
    urls = UrlResultsSerializer(many=True, help_text="One per URL, in the order asked.")


class StatusBulkView(ApiView):
    write_scope = "read"  # a POST only because a hundred URLs do not fit in a query string

    @extend_schema(
        operation_id="status_bulk",
        request=BulkRequestSerializer,
        responses={200: BulkResponseSerializer},
        summary=f"Statuses of up to {BULK_MAX} ids and URLs at once",
        description=gettext("413 when more than %(bulk_max)s ids and URLs are sent together.") % {"bulk_max": BULK_MAX},
    )
    def post(self, request):
        data = request.data
        if isinstance(data, dict):
            count = sum(len(v) for k, v in data.items() if k in ("ids", "urls") and isinstance(v, list))
            if count > BULK_MAX:
                raise Problem(
                    413,
                    gettext("At most %(bulk_max)s ids and URLs per request; you sent %(count)s. Split the request.")
                    % {"bulk_max": BULK_MAX, "count": count},
                )
        serializer = BulkRequestSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        ids, urls = serializer.validated_data["ids"], serializer.validated_data["urls"]
        if not ids and not urls:
            raise Problem(
                400, gettext("Send ids, urls or both."), code="validation_error", errors={"ids": ["Send ids or urls."]}
            )
        return Response({**_bulk_ids(ids), "urls": _bulk_urls(urls)})


def _bulk_ids(ids: list[int]) -> dict:
    rows = {row[0]: row for row in Claim.objects.filter(pk__in=set(ids)).values_list(*COLUMNS)} if ids else {}
    ordered = list(dict.fromkeys(ids))
    return {
        "claims": [status_of(rows[i]) for i in ordered if i in rows],
        "missing_ids": [i for i in ordered if i not in rows],
    }


def _bulk_urls(urls: list[str]) -> list[dict]:
    if not urls:
        return []
    targets = {url: lookup_target(url, "urls") for url in urls}
    found: dict[str, list[dict]] = {}
    rows = (
        Appearance.objects.filter(normalised_url__in=set(targets.values()) - {""})
        .order_by("-claim__updated_at", "-claim_id")
        .values_list("normalised_url", *(f"claim__{c}" for c in COLUMNS))
    )
    for normalised, *row in rows:
        found.setdefault(normalised, []).append({**status_of(tuple(row)), "score": 1.0})
    return [{"url": url, "results": found.get(targets[url], []) if targets[url] else []} for url in urls]
