"""GET /api/v1/claims:search: Google Fact Check Tools' ``claims:search``,
answered from this desk, so a client written for it works by changing its
base URL (and sending a ``read`` key instead of ``key=``). docs/api.md
("Fact Check Tools–compatible search") lists the mapping and the differences.

Parameters and answer are Google's: ``query``, ``languageCode``,
``maxAgeDays``, ``pageSize``, ``pageToken``, ``reviewPublisherSiteFilter`` ->
``{"claims": [{"text", "claimant", "claimDate", "claimReview": [{"publisher":
{"name", "site"}, "url", "title", "reviewDate", "textualRating",
"languageCode"}]}], "nextPageToken"}``, empty fields left out as Google does.
Ours: only published claims (a claim has a review once signed off), found by
the claim matcher (verification.matching) best first; with
``includeExternalReviews=true``, other fact-checkers' reviews imported into
the desk too, never mixed into the desk's own.
"""

import base64
import binascii
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from verification.api.base import ApiView
from verification.api.visibility import ScopedSerializer
from verification.matching import find_matches
from verification.models import Attribution, Claim, ExternalReview
from verification.status import public_url, rfc3339
from verification.workflow.claimreview import author_of, verdict_name

MAX_RESULTS = 200  # matches read for one query, across all its pages
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10


# The field names below are Google's, camelCase and all: clients read them as they are.


class PublisherSerializer(ScopedSerializer):
    visibility = "factcheck_publisher"
    name = serializers.CharField()
    site = serializers.CharField(required=False)


class ReviewSerializer(ScopedSerializer):
    visibility = "factcheck_review"
    publisher = PublisherSerializer()
    url = serializers.CharField()
    title = serializers.CharField(required=False)
    reviewDate = serializers.CharField(required=False)
    textualRating = serializers.CharField(required=False)
    languageCode = serializers.CharField(required=False)


class FactCheckClaimSerializer(ScopedSerializer):
    visibility = "factcheck_claim"
    text = serializers.CharField()
    claimant = serializers.CharField(required=False)
    claimDate = serializers.CharField(required=False)
    claimReview = ReviewSerializer(many=True)


class FactCheckResultsSerializer(ScopedSerializer):
    visibility = "factcheck_results"
    claims = FactCheckClaimSerializer(many=True, required=False)
    nextPageToken = serializers.CharField(required=False)


PARAMETERS = [
    OpenApiParameter("query", OpenApiTypes.STR, description="Text to look for (required unless a site filter)."),
    OpenApiParameter("languageCode", OpenApiTypes.STR, description="BCP 47, e.g. `en` or `uk`: reviews in it."),
    OpenApiParameter(
        "maxAgeDays",
        {"type": "integer", "minimum": 1, "maximum": 100_000},
        description="Only reviews published in the last N days.",
    ),
    OpenApiParameter(
        "pageSize",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=gettext("1–%(max_page_size)s, default %(default_page_size)s.")
        % {"max_page_size": MAX_PAGE_SIZE, "default_page_size": DEFAULT_PAGE_SIZE},
    ),
    OpenApiParameter("pageToken", OpenApiTypes.STR, description="`nextPageToken` of the previous page."),
    OpenApiParameter(
        "reviewPublisherSiteFilter",
        OpenApiTypes.STR,
        description="Only reviews by this site, e.g. `afp.com`.",
    ),
    OpenApiParameter(
        "includeExternalReviews",
        OpenApiTypes.BOOL,
        description="Also other fact-checkers' reviews imported into the desk (default false).",
    ),
]


class FactCheckSearchView(ApiView):
    @extend_schema(
        operation_id="claims_search",
        summary="Search published fact-checks (Fact Check Tools–compatible)",
        parameters=PARAMETERS,
        responses=FactCheckResultsSerializer,
        description=(
            "Google Fact Check Tools' `claims:search`, answered from this desk: give `query` or "
            "`reviewPublisherSiteFilter` (400 with neither). Results are best match first. See "
            "docs/api.md."
        ),
    )
    def get(self, request):
        params = _parameters(request.query_params)
        entries = _matching(params) if params["query"] else _by_site(params)
        start = params["offset"]
        page = entries[start : start + params["pageSize"]]
        body = {"claims": _rendered(page)} if page else {}
        if start + params["pageSize"] < len(entries):
            body["nextPageToken"] = _token(start + params["pageSize"], params)
        return Response(FactCheckResultsSerializer(body, context={"request": request}).data)


def own_site() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or ""


def _parameters(query) -> dict:
    errors = {}
    params = {
        "query": query.get("query", "").strip(),
        "languageCode": query.get("languageCode", "").strip().lower(),
        "site": query.get("reviewPublisherSiteFilter", "").strip().lower().removeprefix("www."),
        "external": query.get("includeExternalReviews", "").strip().lower() in ("true", "1"),
    }
    if query.get("includeExternalReviews", "").strip().lower() not in ("", "true", "false", "1", "0"):
        errors["includeExternalReviews"] = [gettext("Use true or false.")]
    if not params["query"] and not params["site"]:
        message = "Give query=<text to look for>, or reviewPublisherSiteFilter=<site>."
        errors.update(query=[message], reviewPublisherSiteFilter=[message])
    params["maxAgeDays"] = _number(query, "maxAgeDays", 1, 100_000, None, errors)
    params["pageSize"] = _number(query, "pageSize", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, errors)
    params["offset"] = _offset(query.get("pageToken", "").strip(), params, errors)
    if errors:
        raise exceptions.ValidationError(errors)
    return params


def _number(query, name, low, high, default, errors):
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = [
            gettext("Use a whole number from %(low)s to %(high)s.") % {"low": low, "high": format(high, ",")}
        ]
        return default
    return int(raw)


def _fingerprint(params) -> str:
    return json.dumps([params["query"], params["languageCode"], params["site"], params["external"]])


def _token(offset: int, params) -> str:
    raw = json.dumps({"o": offset, "q": _fingerprint(params)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token: str, params, errors) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(data["o"])
        same = data["q"] == _fingerprint(params)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        offset, same = -1, False
    if not 0 <= offset <= MAX_RESULTS or not same:
        errors["pageToken"] = [
            gettext("Not a page token of this search: send the nextPageToken it gave, with the same query.")
        ]
        return 0
    return offset


def _wanted(language: str, reviewed_at, site: str, params) -> bool:
    if params["languageCode"] and language.lower().split("-")[0] != params["languageCode"].split("-")[0]:
        return False
    if params["maxAgeDays"] is not None:
        if reviewed_at is None or reviewed_at < timezone.now() - timezone.timedelta(days=params["maxAgeDays"]):
            return False
    return not params["site"] or site.removeprefix("www.") == params["site"]


def _matching(params) -> list[tuple[str, int]]:
    found = find_matches(params["query"], limit=MAX_RESULTS, published_only=True, include_external=params["external"])
    claims = Claim.objects.in_bulk([m.id for m in found if m.kind == "claim"])
    externals = ExternalReview.objects.in_bulk([m.id for m in found if m.kind == "external"])
    entries = []
    for match in found:
        if match.kind == "claim" and (claim := claims.get(match.id)):
            keep = _wanted(claim.language, claim.published_at, own_site(), params)
        elif match.kind == "external" and (review := externals.get(match.id)):
            keep = _wanted(review.language, review.review_date, review.publisher_site, params)
        else:
            keep = False
        if keep:
            entries.append((match.kind, match.id))
    return entries


def _by_site(params) -> list[tuple[str, int]]:
    """No query: the site's reviews, newest first."""
    entries = []
    if params["site"] == own_site():
        claims = Claim.objects.filter(state=Claim.State.PUBLISHED).order_by("-published_at", "-id")
        if params["languageCode"]:
            claims = claims.filter(language__istartswith=params["languageCode"].split("-")[0])
        if params["maxAgeDays"] is not None:
            claims = claims.filter(published_at__gte=timezone.now() - timezone.timedelta(days=params["maxAgeDays"]))
        entries += [("claim", pk) for pk in claims.values_list("pk", flat=True)[: MAX_RESULTS + 1]]
    if params["external"]:
        reviews = ExternalReview.objects.filter(publisher_site__in=[params["site"], f"www.{params['site']}"])
        for review in reviews.order_by("-review_date", "-id")[: MAX_RESULTS + 1]:
            if _wanted(review.language, review.review_date, review.publisher_site, params):
                entries.append(("external", review.pk))
    return entries[: MAX_RESULTS + 1]


def _rendered(page: list[tuple[str, int]]) -> list[dict]:
    claim_ids = [pk for kind, pk in page if kind == "claim"]
    attributions = Prefetch("attributions", queryset=Attribution.objects.select_related("source").order_by("id"))
    claims = Claim.objects.prefetch_related(attributions).in_bulk(claim_ids)
    externals = ExternalReview.objects.in_bulk([pk for kind, pk in page if kind == "external"])
    out = []
    for kind, pk in page:
        item = _own(claims[pk]) if kind == "claim" else _external(externals[pk])
        out.append(_without_empty(item))
    return out


def _own(claim: Claim) -> dict:
    author = author_of(list(claim.attributions.all()))
    return {
        "text": claim.public_text,
        "claimant": author["name"] if author else "",
        "claimDate": rfc3339(claim.first_made_at),
        "claimReview": [
            {
                "publisher": {"name": settings.ORGANISATION_NAME, "site": own_site()},
                "url": public_url(claim.pk),
                "title": claim.public_text[:200],
                "reviewDate": rfc3339(claim.published_at),
                "textualRating": verdict_name(claim.verdict) if claim.verdict else "",
                "languageCode": claim.language,
            }
        ],
    }


def _external(review: ExternalReview) -> dict:
    return {
        "text": review.claim_reviewed,
        "claimant": review.claimant,
        "claimDate": rfc3339(review.claim_date),
        "claimReview": [
            {
                "publisher": {"name": review.publisher_name, "site": review.publisher_site},
                "url": review.url,
                "title": review.title,
                "reviewDate": rfc3339(review.review_date),
                "textualRating": review.textual_rating,
                "languageCode": review.language,
            }
        ],
    }


def _without_empty(value):
    """Google leaves out what it does not know; so do we."""
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value
