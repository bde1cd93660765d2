"""MediaReview ratings of media evidence (verification.evidence.media_review):
POST /evidence/{id}/media-review.

Scope ``review`` and an editor's rights. The body carries the claim
``version`` the editor read, as every write does; the answer is the item's
current rating with the claim's new version (body and ETag) for the next
write. The current rating is also on each evidence item for review keys
(``media_review``); readers see published ones on the public page.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from verification.api.auth import acting_user, require_perm
from verification.api.base import ApiView, not_found
from verification.api.conditional import etag_for
from verification.api.inputs import HttpURLField, StrictInput
from verification.api.visibility import ScopedSerializer, context_for
from verification.evidence import media_review
from verification.models import Claim, Evidence, MediaReview

TAGS = ["evidence"]


class MediaReviewInput(StrictInput, serializers.Serializer):
    category = serializers.ChoiceField(
        choices=MediaReview.Category.choices,
        help_text="The rating, e.g. decontextualized (schema.org's DecontextualizedContent).",
    )
    rationale = serializers.CharField(
        max_length=media_review.RATIONALE_MAX_CHARS,
        help_text="Why; readers see it once the claim is published.",
    )
    original_url = HttpURLField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the media first appeared, when known (originalMediaLink).",
    )
    version = serializers.IntegerField(min_value=1, help_text="The claim's version you read.")


class MediaReviewOutput(ScopedSerializer):
    """A rating: who gave it and when, for reviewers."""

    visibility = "media_review"
    id = serializers.IntegerField()
    evidence_id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=MediaReview.Category.choices)
    media_authenticity_category = serializers.CharField(help_text="The category as schema.org names it.")
    label = serializers.CharField(source="get_category_display", help_text="The category in words.")
    rationale = serializers.CharField()
    original_url = serializers.CharField(allow_blank=True)
    reviewed_by = serializers.SerializerMethodField(help_text="Username of the editor.")
    reviewed_at = serializers.DateTimeField(source="created_at")

    def get_reviewed_by(self, review) -> str:
        return review.reviewed_by.get_username()


class MediaReviewResultOutput(MediaReviewOutput):
    visibility = "media_review_result"
    version = serializers.IntegerField(source="claim_version", help_text="The claim's version after the rating.")


class MediaReviewView(ApiView):
    problem_codes = (409,)

    @extend_schema(
        tags=TAGS,
        operation_id="evidence_media_review_create",
        request=MediaReviewInput,
        responses={
            201: MediaReviewResultOutput,
            409: OpenApiResponse(description="Not a media item (`not_media`), or `version` is stale."),
        },
        summary="Rate a media evidence item with a MediaReview category (editors)",
        description=(
            "Appends a rating; the latest is the item's current one. The same rating sent again "
            "changes nothing and is answered as it is."
        ),
    )
    def post(self, request, pk: int):
        claim_id = Evidence.objects.filter(pk=pk).values_list("claim_id", flat=True).first()
        if claim_id is None:
            raise not_found(gettext("Evidence"), pk)
        require_perm(request, media_review.PERMISSION, "rate media evidence (editors can)")
        serializer = MediaReviewInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = media_review.review_media(
            acting_user(request),
            pk,
            category=data["category"],
            rationale=data["rationale"],
            original_url=data["original_url"],
            expected_version=data["version"],
        )
        review.claim_version = Claim.objects.values_list("version", flat=True).get(pk=claim_id)
        return Response(
            MediaReviewResultOutput(review, context=context_for(request)).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(claim_id, review.claim_version)},
        )
