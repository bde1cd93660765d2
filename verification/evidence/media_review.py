"""MediaReview: an editor's rating of a media evidence item in schema.org's
``mediaAuthenticityCategory`` terms (original, decontextualised, edited or
cropped, transformed, staged, satire or parody), with a rationale
(docs/media_review.md).

``review_media`` is the only writer of MediaReview rows. It follows the steps
of every evidence write (verification.evidence.writes): check the right and
the input, lock the claim then the item, check the claim version the editor
read, return early when nothing changes, write the row with a custody entry
and a ClaimEvent, and announce it through the webhook outbox (delivered after
commit) when readers can see it.

The rest of the module reads: the current rating of items, whether a rating
is public, and the MediaReview JSON-LD the public page embeds beside its
ClaimReview.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from verification.models import Claim, ClaimEvent, CustodyEvent, Evidence, MediaReview
from verification.status import public_url, rfc3339
from verification.urlnorm import check_web_url
from verification.webhooks import outbox
from verification.workflow.claimreview import organisation
from verification.workflow.errors import Refused, require_permission, stale_version
from verification.workflow.history import record

PERMISSION = "verification.add_mediareview"
RATIONALE_MAX_CHARS = 4000
Category = MediaReview.Category
MEDIA_KINDS = (Evidence.Kind.IMAGE, Evidence.Kind.VIDEO)
MEDIA_TYPES = ("image", "video", "audio")  # the major MIME types of a stored file that make an item media


class NotMedia(Refused):
    """Only images, videos and audio (by kind, or by the bytes stored) are rated."""

    code = "not_media"


# --- Writing ---------------------------------------------------------------------


def review_media(
    actor, evidence_id: int, *, category: str, rationale: str, expected_version: int, original_url: str = ""
) -> MediaReview:
    """Rate the media of ``evidence_id``; returns the item's current rating.

    1. Check the editor's right and the input (ValidationError naming each field).
    2. Lock the claim, then the item (the order evidence edits take), and refuse
       an item that is not media (NotMedia).
    3. Return the current rating untouched when it already says the same.
    4. Refuse a stale ``expected_version`` (StaleVersion).
    5. Append the rating, a custody entry and a ClaimEvent (the claim's version
       bumps: reviewers see the rating changed); if readers see the item,
       emit ``evidence.media_reviewed`` (the outbox delivers after commit).
    """
    require_permission(actor, PERMISSION, "rate media evidence (editors can)")
    category, rationale, original_url = _checked(category, rationale, original_url)
    with transaction.atomic():
        claim_id = Evidence.objects.filter(pk=evidence_id).values_list("claim_id", flat=True).first()
        if claim_id is None:
            raise Evidence.DoesNotExist(
                gettext("Evidence %(evidence_id)s does not exist.") % {"evidence_id": evidence_id}
            )
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
        if not is_media(evidence):
            raise NotMedia(
                gettext(
                    "“%(evidence_title)s” is %(lower)s, not an image, video or audio: MediaReview rates media. "
                    "Rate the claim's verdict instead, or attach the media itself."
                )
                % {"evidence_title": evidence.title, "lower": evidence.get_kind_display().lower()}
            )
        current = evidence.media_reviews.order_by("-id").first()
        wanted = {"category": category, "rationale": rationale, "original_url": original_url}
        if current and all(getattr(current, name) == value for name, value in wanted.items()):
            return current  # the same form sent again
        if claim.version != expected_version:
            raise stale_version(claim, expected_version)
        review = MediaReview.objects.create(evidence=evidence, reviewed_by=actor, **wanted)
        before = current.category if current else None
        CustodyEvent.objects.create(
            evidence=evidence,
            action=CustodyEvent.Action.MEDIA_REVIEWED,
            actor=actor,
            sha256=evidence.sha256,
            detail={"from": before, "to": category, "media_review_id": review.pk},
        )
        record(
            claim,
            ClaimEvent.Kind.EVIDENCE,
            actor,
            note=f"Media rated {review.get_category_display().lower()}: {evidence.title}",
            changes={
                "evidence_id": evidence.pk,
                "action": "media_reviewed",
                "category": {"from": before, "to": category},
                "rationale": rationale,
            },
        )
        if shown_to_readers(claim, evidence):
            outbox.emit("evidence.media_reviewed", media_review_data(review, evidence))
        return review


def _checked(category: str, rationale: str, original_url: str) -> tuple[str, str, str]:
    category, rationale, original_url = (category or "").strip(), (rationale or "").strip(), (original_url or "")
    errors = {}
    if category not in Category.values:
        choices = ", ".join(Category.values)
        errors["category"] = [
            gettext("'%(category)s' is not a MediaReview category; use one of %(choices)s.")
            % {"category": category, "choices": choices}
        ]
    if not rationale:
        errors["rationale"] = [gettext("Say why: readers see the rationale beside the rating.")]
    elif len(rationale) > RATIONALE_MAX_CHARS:
        errors["rationale"] = [
            gettext("At most %(rationale_max_chars)s characters; this has %(count)s.")
            % {"rationale_max_chars": RATIONALE_MAX_CHARS, "count": len(rationale)}
        ]
    elif "\x00" in rationale:
        errors["rationale"] = [gettext("It contains a NUL character; remove it and send it again.")]
    if original_url.strip():
        try:
            original_url = check_web_url(original_url.strip())
        except ValidationError as exc:
            errors["original_url"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return category, rationale, original_url.strip()


# --- Reading ---------------------------------------------------------------------


def is_media(evidence: Evidence) -> bool:
    """An image or video by kind, or any item whose stored bytes are an image,
    a video or audio (a document that is a recording, say)."""
    if evidence.kind in MEDIA_KINDS:
        return True
    content_type = evidence.stored_file.content_type if evidence.stored_file_id else ""
    return content_type.split("/")[0] in MEDIA_TYPES


def current_reviews(items, *, with_reviewer: bool = True) -> dict[int, MediaReview]:
    """The latest rating of each media item that has one, by evidence id: one
    query, none when no item is media. Readers' pages skip the reviewer."""
    ids = [item.pk for item in items if is_media(item)]
    if not ids:
        return {}
    rows = MediaReview.objects.filter(evidence_id__in=ids).order_by("id")
    if with_reviewer:
        rows = rows.select_related("reviewed_by")
    latest: dict[int, MediaReview] = {}
    for review in rows:
        latest[review.evidence_id] = review
    return latest


def shown_to_readers(claim: Claim, evidence: Evidence) -> bool:
    """Whether the public page lists the item (verification.evidence.published):
    the claim has a published verdict that weighed it."""
    return (
        claim.published_assessment_id is not None
        and claim.published_at is not None
        and evidence.added_at <= claim.published_at
    )


def media_review_data(review: MediaReview, evidence: Evidence) -> dict:
    """The ``evidence.media_reviewed`` webhook's data: read level (the rating is
    on the public page), so the item's public fields and never who rated it."""
    return {
        "id": review.pk,
        "evidence_id": evidence.pk,
        "claim_id": evidence.claim_id,
        "category": review.category,
        "media_authenticity_category": review.media_authenticity_category,
        "rationale": review.rationale,
        "original_url": review.original_url or None,
        "reviewed_at": rfc3339(review.created_at),
        "url": f"{public_url(evidence.claim_id)}#evidence-{evidence.pk}",
    }


# --- MediaReview JSON-LD ------------------------------------------------------------

# schema.org's media types, by our kind or by the stored bytes' major MIME type.
_OBJECT_TYPES = {"image": "ImageObject", "video": "VideoObject", "audio": "AudioObject"}


def _object_type(item: Evidence) -> str:
    if item.kind in MEDIA_KINDS:
        return _OBJECT_TYPES[item.kind]
    content_type = item.stored_file.content_type if item.stored_file_id else ""
    return _OBJECT_TYPES.get(content_type.split("/")[0], "MediaObject")


def build_mediareviews(claim: Claim, items: list[Evidence]) -> list[dict]:
    """One MediaReview per rated item of the public page.

    ``items`` are verification.evidence.published.for_readers's, each with its
    ``media_review`` (or None), ``public_link`` and ``public_original_link``
    (None when the address is not public) and ``public_cover``: only what the
    page shows goes in, and an internal address is never linked.
    """
    reviews = []
    for item in items:
        review = getattr(item, "media_review", None)
        if review is None:
            continue
        media = {"@type": _object_type(item), "name": item.public_title}
        if item.public_link:
            media["contentUrl"] = item.public_link
        if item.public_cover is not None:
            media["thumbnailUrl"] = _absolute(reverse("public-evidence-preview", args=[claim.pk, item.pk]))
        if item.sha256:
            media["sha256"] = item.sha256
        document = {
            "@context": "https://schema.org",
            "@type": "MediaReview",
            "url": f"{public_url(claim.pk)}#evidence-{item.pk}",
            "mediaAuthenticityCategory": review.media_authenticity_category,
            "reviewBody": review.rationale,
            "originalMediaContextDescription": review.rationale,
            "itemReviewed": {
                "@type": "MediaReviewItem",
                "interpretedAsClaim": {"@type": "Claim", "description": claim.public_text},
                "mediaItemAppearance": [media],
            },
            "author": organisation(),
            "datePublished": rfc3339(max(review.created_at, claim.first_published_at or review.created_at)),
            "inLanguage": claim.language,
        }
        if getattr(item, "public_original_link", None):
            document["originalMediaLink"] = item.public_original_link
        reviews.append(document)
    return reviews


def _absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path
