"""GET|POST /claims and GET|PATCH /claims/{id}."""

import json

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from verification.api.auth import acting_user, request_key, require_perm
from verification.api.base import ApiView, ProblemSerializer, not_found
from verification.api.conditional import ENTITY_TAGS, etag_for, expected_version, none_match
from verification.api.errors import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from verification.api.errors import Problem
from verification.api.filters import FILTER_PARAMETERS, filter_claims
from verification.api.pagination import ClaimPagination, ordering_parameter
from verification.api.serializers import (
    ClaimCreateSerializer,
    ClaimDetailSerializer,
    ClaimPatchSerializer,
    ClaimSerializer,
)
from verification.api.visibility import context_for
from verification.matching import likely_duplicates
from verification.models import Attribution, Claim, ClaimEvent, IdempotentRequest
from verification.workflow.claimreview import build_claimreview
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim, edit_claim
from verification.workflow.errors import StaleVersion

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    pattern=ENTITY_TAGS,
    description="The ETag from GET /claims/{id}. Missing, or not an ETag: 428; stale: 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="An ETag you hold: 304 when the claim has not changed.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r"^\S(.{0,198}\S)?$",  # 1 to 200 characters, as _idempotency_key checks
    description=(
        gettext_lazy(
            "A unique value of yours (a UUID, at most 200 characters) naming this create. Sent again "
            "with the same body within 24 hours (CLAIMDESK_IDEMPOTENCY_HOURS), it answers the first "
            "response again and creates nothing; with another body, 422 `idempotency_key_reused`. Keys "
            "are per API key (per user for sessions). While the first request with the key is still "
            "running: 409 `idempotency_key_in_use`."
        )
    ),
)


def list_queryset():
    """Two prefetches whatever the page size: tags and attributions with sources."""
    return Claim.objects.prefetch_related(
        "tags", Prefetch("attributions", queryset=Attribution.objects.select_related("source"))
    )


def detail_queryset():
    return Claim.objects.select_related(
        "published_assessment", "pending_assessment__reviewer", "lease_owner"
    ).prefetch_related(
        "tags",
        "appearances",
        "evidence",
        Prefetch("attributions", queryset=Attribution.objects.select_related("source")),
        Prefetch("events", queryset=ClaimEvent.objects.select_related("actor")),
    )


def claim_response(request, claim_id: int, status: int = 200, headers: dict | None = None) -> Response:
    """The claim's detail with its ETag: the answer of every claim write too."""
    claim = detail_queryset().filter(pk=claim_id).first()
    if claim is None:
        raise not_found(gettext("Claim"), claim_id)
    data = ClaimDetailSerializer(claim, context=context_for(request)).data
    response = Response(data, status=status, headers={"ETag": etag_for(claim.pk, claim.version), **(headers or {})})
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    state = serializers.CharField()
    verdict = serializers.CharField(allow_null=True)
    score = serializers.FloatField(help_text="The claim matcher's score, 0 to 1 (docs/matching.md).")
    url = serializers.CharField()


class DuplicateProblemSerializer(ProblemSerializer):
    candidates = DuplicateCandidateSerializer(
        many=True, required=False, help_text="On `likely_duplicate`: the existing claims, best first."
    )


class ClaimListView(ApiView):
    pagination_class = ClaimPagination

    @extend_schema(
        operation_id="claims_list",
        parameters=[*FILTER_PARAMETERS, ordering_parameter(ClaimPagination.orderings)],
        responses=ClaimSerializer(many=True),
        summary="List claims",
        description="Filters combine with AND. Cursor-paginated: follow `next`.",
    )
    def get(self, request):
        queryset = filter_claims(list_queryset(), request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(ClaimSerializer(page, many=True, context=context_for(request)).data)

    @extend_schema(
        operation_id="claims_create",
        parameters=[IDEMPOTENCY_KEY],
        request=ClaimCreateSerializer,
        responses={
            201: ClaimDetailSerializer,
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                DuplicateProblemSerializer,
                description=gettext_lazy(
                    '`likely_duplicate`: existing claims say nearly the same (`candidates`); send `"force": '
                    "true` to create it anyway. `idempotency_key_in_use`: the first request with this key "
                    "still runs."
                ),
            ),
            (422, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="`idempotency_key_reused`: this key was used with another body.",
            ),
        },
        summary="Add a claim",
        description=gettext_lazy(
            "Scope `review` and the right to add claims (fact-checkers, editors). Send an "
            "`Idempotency-Key` to retry safely: a retry answers the first response instead of making a "
            "second claim. An existing claim with nearly the same text (the claim matcher's link "
            "threshold) makes it 409 `likely_duplicate` with the `candidates`, unless the body says "
            '`"force": true`.'
        ),
    )
    def post(self, request):
        require_perm(request, "verification.add_claim", "add claims")
        key = _idempotency_key(request)
        if key is None:
            return self._create(request)
        owner = {"api_key": request_key(request), "user": acting_user(request)}
        request_hash = IdempotentRequest.hash_body(_plain(request.data))
        if (done := IdempotentRequest.find(key, **owner)) is not None:
            return _replay(done, request_hash)
        try:
            with transaction.atomic():
                # First: a concurrent request with this key waits here, before creating anything.
                reservation = IdempotentRequest.reserve(key, request_hash, **owner)
                response = self._create(request)
                reservation.answer(response.status_code, json.loads(JSONRenderer().render(response.data)))
        except IntegrityError:
            done = IdempotentRequest.find(key, **owner)
            if done is None or not done.response_status:
                raise Problem(
                    409,
                    gettext(
                        "Another request with this Idempotency-Key is still being processed. Wait a moment and "
                        "send the same request again."
                    ),
                    code="idempotency_key_in_use",
                    title=gettext("Idempotency-Key in use"),
                ) from None
            return _replay(done, request_hash)
        return response

    def _create(self, request) -> Response:
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data["force"] and (
            candidates := likely_duplicates(
                serializer.validated_data["text"], language=serializer.validated_data["language"].strip()
            )
        ):
            raise Problem(
                409,
                gettext(
                    "%(count)s existing claim(s) say nearly the same. Add what you have to one of them, or "
                    'send the claim again with "force": true if it is a different claim.'
                )
                % {"count": len(candidates)},
                code="likely_duplicate",
                title=gettext("Likely duplicate"),
                candidates=[_candidate(m) for m in candidates],
            )
        claim = create_claim(acting_user(request), _claim_input(serializer.validated_data))
        return claim_response(request, claim.pk, status=201, headers={"Location": f"/api/v1/claims/{claim.pk}"})


def _candidate(match) -> dict:
    return {
        "id": match.id,
        "text": match.text,
        "state": match.state,
        "verdict": match.verdict or None,
        "score": match.score,
        "url": f"/api/v1/claims/{match.id}",
    }


def _idempotency_key(request) -> str | None:
    """The request's Idempotency-Key, None without one; 400 when it is empty or too long."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    limit = IdempotentRequest.MAX_KEY_LENGTH
    if not key or len(key) > limit:
        raise Problem(
            400,
            gettext("An Idempotency-Key has 1 to %(limit)s characters; this one has %(count)s. Send a UUID.")
            % {"limit": limit, "count": len(key)},
            code="invalid_idempotency_key",
            errors={"Idempotency-Key": [gettext("Use 1 to %(limit)s characters, e.g. a UUID.") % {"limit": limit}]},
        )
    return key


def _plain(data):
    """The parsed body as plain JSON values: form data becomes {name: [values]}."""
    return {name: values for name, values in data.lists()} if hasattr(data, "lists") else data


def _replay(done: IdempotentRequest, request_hash: str) -> Response:
    """The first answer to this key again, or 422 if this body is not the one it answered."""
    if done.request_hash != request_hash:
        raise Problem(
            422,
            gettext(
                "This Idempotency-Key was already used for a request with another body. Use a new key for "
                "a new request; to retry, send exactly the first body again."
            ),
            code="idempotency_key_reused",
            title=gettext("Idempotency-Key reused"),
        )
    body = done.response_body
    headers = {"Idempotent-Replayed": "true"}
    if done.response_status == 201 and isinstance(body, dict) and "id" in body:
        headers |= {"Location": f"/api/v1/claims/{body['id']}", "ETag": etag_for(body["id"], body["version"])}
    response = Response(body, status=done.response_status, headers=headers)
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response


def _claim_input(data: dict) -> ClaimInput:
    attributions = [
        AttributionInput(
            source=a["source"],
            role=a["role"],
            quote=a["quote"],
            appeared_url=a["appeared_url"],
            appeared_in=a["appeared_in"],
            appeared_at=a["appeared_at"],
            relays_source=a["relays_source"],
        )
        for a in data["attributions"]
    ]
    return ClaimInput(
        text=data["text"],
        language=data["language"],
        first_made_at=data["first_made_at"],
        priority=data["priority"],
        reach=data["reach"],
        due_at=data["due_at"],
        tags=data["tags"],
        attributions=attributions,
        appearances=[dict(a) for a in data["appearances"]],
    )


class ClaimDetailView(ApiView):
    problem_codes = (409, 412, 428)

    @extend_schema(
        operation_id="claims_retrieve",
        parameters=[IF_NONE_MATCH],
        summary="One claim",
        responses={200: ClaimDetailSerializer, 304: OpenApiResponse(description="Not modified.")},
    )
    def get(self, request, pk: int):
        version = Claim.objects.filter(pk=pk).values_list("version", flat=True).first()
        if version is None:
            raise not_found(gettext("Claim"), pk)
        etag = etag_for(pk, version)
        if none_match(request.META.get("HTTP_IF_NONE_MATCH"), etag):
            response = Response(status=304, headers={"ETag": etag})
            patch_vary_headers(response, ("Authorization", "Cookie"))
            return response
        return claim_response(request, pk)

    @extend_schema(
        operation_id="claims_partial_update",
        parameters=[IF_MATCH],
        request=ClaimPatchSerializer,
        responses={200: ClaimDetailSerializer},
        summary="Edit a claim's text or metadata",
        description=(
            gettext_lazy(
                "Editors only. The version check is part of the UPDATE: two writers cannot both pass. A "
                "published claim's text, language and first_made_at are frozen: changing them answers 409 "
                "`published_claim_frozen`; reopen the claim first, or propose a correction for a typo "
                "(POST /claims/{id}/corrections)."
            )
        ),
    )
    def patch(self, request, pk: int):
        current = Claim.objects.filter(pk=pk).values_list("version", flat=True).first()
        if current is None:
            raise not_found(gettext("Claim"), pk)
        require_perm(request, "verification.change_claim", "edit claims (editors can)")
        expected = expected_version(request.META.get("HTTP_IF_MATCH"), pk, current)
        serializer = ClaimPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data:
            raise Problem(
                400,
                gettext("Send at least one field to change."),
                code="validation_error",
                errors={"non_field_errors": [gettext("No fields to change.")]},
            )
        try:
            edit_claim(acting_user(request), pk, expected, serializer.validated_data)
        except StaleVersion as exc:  # If-Match names a version that is gone: 412, not the 409 of other actions
            raise Problem(
                412, str(exc), current_version=exc.current_version, changed_by=exc.changed_by, change=exc.change
            ) from None
        return claim_response(request, pk)


class ClaimReviewView(ApiView):
    @extend_schema(
        operation_id="claims_claimreview",
        summary="schema.org ClaimReview JSON-LD of the published verdict",
        responses={
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="ClaimReview; the verdict→rating mapping is in the README.",
            )
        },
        description="404 before the first sign-off. The public verdict page embeds the same document.",
    )
    def get(self, request, pk: int):
        claim = (
            Claim.objects.select_related("published_assessment")
            .prefetch_related(
                "appearances", Prefetch("attributions", queryset=Attribution.objects.select_related("source"))
            )
            .filter(pk=pk)
            .first()
        )
        if claim is None:
            raise not_found(gettext("Claim"), pk)
        review = build_claimreview(claim)
        if review is None:
            raise Problem(
                404,
                gettext("Claim %(pk)s has no published verdict yet, so there is no ClaimReview.") % {"pk": pk},
                code="not_published",
            )
        response = Response(review, headers={"ETag": etag_for(claim.pk, claim.version)})
        response.content_type = "application/ld+json"
        return response
