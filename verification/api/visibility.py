"""What each scope sees: one field list per object kind, for every answer the
API, the exports and the webhooks give.

``PUBLIC_FIELDS`` is what a ``read`` key (newsroom CMSs, bots, researchers)
and a webhook receiver may see. The model is the public verdict page
(verification/desk/public.py): the claim as signed off, its sources, its
published verdict and rationale, the evidence's title, link, kind, stance and
hash, where the claim appeared. ``REVIEW_FIELDS`` adds what fact-checkers'
tools need: internal notes, drafts, lease holders, who did what, capture
errors and the custody log, the desk's triage numbers. ``admin`` sees what
``review`` sees; its extra rights are writes, not fields.

A field in neither list is shown to nobody, so a new serializer field stays
hidden until someone decides who may see it here (tests/api/
test_api_read_scope_fields.py fails on any field not listed). docs/api.md
("What each scope sees") is this module in prose.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from verification.api.auth import scopes_of

STATUS = ("id", "state", "verdict", "confidence", "updated_at", "url")
_CLAIM = (
    "id",
    "text",
    "language",
    "state",
    "verdict",
    "confidence",
    "credibility",
    "tags",
    "attributions",
    "first_made_at",
    "published_at",
    "first_published_at",
    "created_at",
    "updated_at",
    "version",
    "url",
)
_ASSESSMENT = ("verdict", "label", "confidence", "credibility", "rationale")
_EVIDENCE = (
    "id",
    "claim_id",
    "kind",
    "title",
    "url",
    "stance",
    "credibility",
    "provided_by",
    "sha256",
    "capture_status",
    "added_at",
)
_MEDIA_REVIEW = (
    "id",
    "evidence_id",
    "category",
    "media_authenticity_category",
    "label",
    "rationale",
    "original_url",
    "reviewed_by",
    "reviewed_at",
)
_SOURCE = ("id", "name", "names", "kind", "country", "homepage", "reliability", "parent", "merged_into")
_RECORD = ("mean", "interval_low", "interval_high", "effective_n", "count")

PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    # Claims: lists, detail, exports.
    "claim": _CLAIM,
    "claim_detail": (*_CLAIM, "appearances", "evidence", "published_verdict", "history"),
    "source_ref": ("id", "name", "kind"),
    "attribution_summary": ("source", "role"),
    "attribution": ("id", "source", "role", "quote", "appeared_url", "appeared_in", "appeared_at", "relays"),
    "appearance": ("url", "outlet", "published_at", "title"),
    "published_verdict": (*_ASSESSMENT, "text", "corrected_at"),
    # Drafts' verdicts are blanked row by row (EventSerializer); notes and actors never shown.
    "event": ("kind", "from_state", "to_state", "version", "created_at", "verdict", "confidence"),
    # The CSV's columns, in order; "sources" are the attributions, flattened.
    "export": (
        "id",
        "text",
        "language",
        "state",
        "verdict",
        "confidence",
        "credibility",
        "tags",
        "sources",
        "first_made_at",
        "published_at",
        "first_published_at",
        "created_at",
        "updated_at",
        "url",
    ),
    "export_source": ("id", "name", "role"),
    # Status reads: by id, lookups, bulk.
    "status": STATUS,
    "scored_status": (*STATUS, "score"),
    "status_results": ("results",),
    "bulk_status": ("claims", "missing_ids", "urls"),
    # Fact Check Tools-compatible search (verification/api/factcheck.py): published reviews only.
    "factcheck_results": ("claims", "nextPageToken"),
    "factcheck_claim": ("text", "claimant", "claimDate", "claimReview"),
    "factcheck_review": ("publisher", "url", "title", "reviewDate", "textualRating", "languageCode"),
    "factcheck_publisher": ("name", "site"),
    "url_results": ("url", "results"),
    # Evidence: what the public page lists. A capture's status, never its error.
    "evidence": _EVIDENCE,
    "evidence_list": ("results",),
    # Sources.
    "source": _SOURCE,
    "source_detail": (*_SOURCE, "aliases", "ancestors", "affiliations", "conflicts", "grades", "track_record"),
    "grade": ("grade", "rationale", "graded_at"),
    "track_record": (*_RECORD, "by_topic", "computed_at"),
    "topic_record": _RECORD,
    "related_source": ("id", "name"),
    "relation": ("kind", "direction", "source"),
    "party": ("conflict", "side"),
    # ClaimReview JSON-LD (verification/workflow/claimreview.py): the page embeds the same document.
    "claimreview": (
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "itemReviewed",
        "author",
        "reviewRating",
        "datePublished",
        "dateModified",
        "inLanguage",
    ),
    "claimreview_claim": ("@type", "appearance", "author", "datePublished"),
    "claimreview_entity": ("@type", "name", "url"),
    "claimreview_rating": ("@type", "ratingValue", "bestRating", "worstRating", "alternateName"),
    "claimreview_work": ("@type", "url", "headline", "datePublished"),
    # Webhook bodies: receivers are outside systems, so read level. ``data`` per event type.
    "webhook_body": ("type", "timestamp", "data"),
    "webhook_claim": STATUS,
    "webhook_correction": (*STATUS, "correction_id", "reason", "old_text", "new_text", "corrected_at"),
    "webhook_evidence": _EVIDENCE,
    # A MediaReview rating of an item readers see (verification/evidence/media_review.py); never who rated it.
    "webhook_media_review": (
        "id",
        "evidence_id",
        "claim_id",
        "category",
        "media_authenticity_category",
        "rationale",
        "original_url",
        "reviewed_at",
        "url",
    ),
    "webhook_source_grade": ("id", "name", "grade", "previous_grade", "rationale", "graded_at"),
    "webhook_ping": ("endpoint_id", "url"),  # sent only to the endpoint it names
}

# What reviewers (and admins) see besides the public fields. Kinds listed here
# and not above (drafts, files, snapshots, custody) exist only inside review fields.
_REVIEW_ONLY: dict[str, tuple[str, ...]] = {
    "claim": ("priority",),
    "claim_detail": (
        "priority",
        "reach",
        "due_at",
        "pending_assessment",
        "lease_owner",
        "lease_expires_at",
        "suggestion",
    ),
    # The desk's suggested credibility (verification/credibility/suggestions.py): a prior for reviewers.
    "suggestion": ("grade", "label", "probability", "interval", "reasons"),
    "suggestion_reason": ("factor", "direction", "text"),
    "event": ("actor", "note"),
    "pending_assessment": (*_ASSESSMENT, "reviewer", "created_at"),
    "evidence": (
        "notes",
        "public_note",  # a draft for readers until the claim is published; the public page shows it then
        "capture_error",
        "capture_attempts",
        "stored_file",
        "snapshots",
        "custody",
        "download_url",
        "related",
        # The current MediaReview rating: readers see a published one on the public page
        # (and its JSON-LD), so read keys need not; like public_note, it is review-level here.
        "media_review",
        "keyframes",  # a video's frames: desk paths, like download_url
        "file_metadata",  # what the file says about itself, C2PA Content Credentials included
        "timestamps",  # RFC 3161 tokens of the item's hashes (verification/evidence/timestamps.py)
    ),
    "media_review": _MEDIA_REVIEW,
    "media_review_result": (*_MEDIA_REVIEW, "version"),  # POST /evidence/{id}/media-review: and the claim's version
    "stored_file": ("sha256", "size", "content_type", "integrity_ok", "last_verified_at"),
    "snapshot": (
        "id",
        "requested_url",
        "final_url",
        "status_code",
        "redirects",
        "headers",
        "backend",
        "captured_at",
        "stored_file",
        "warc",  # the web archive of the fetch (verification/evidence/archives.py)
        "warc_download_url",
        "archived_text_url",
    ),
    "custody": ("action", "actor", "sha256", "detail", "created_at"),
    "file_metadata": ("status", "reason", "fields", "checks", "created", "content_credentials", "reader", "read_at"),
    "trusted_timestamp": (
        "id",
        "sha256",
        "status",
        "reason",
        "tsa_name",
        "gen_time",
        "serial_number",
        "policy",
        "requested_at",
        "finished_at",
        "token",
        "token_download_url",
    ),
    "related_evidence": ("id", "claim_id", "title", "url"),
    "source_detail": ("notes",),
    "grade": ("graded_by",),
}

REVIEW_FIELDS: dict[str, tuple[str, ...]] = {
    kind: (*PUBLIC_FIELDS.get(kind, ()), *_REVIEW_ONLY.get(kind, ())) for kind in {*PUBLIC_FIELDS, *_REVIEW_ONLY}
}

READ_ONLY = frozenset({"read"})
_SHOWN = {(False, kind): frozenset(fields) for kind, fields in PUBLIC_FIELDS.items()} | {
    (True, kind): frozenset(fields) for kind, fields in REVIEW_FIELDS.items()
}
_NOTHING = frozenset()


def reviews(scopes) -> bool:
    return "review" in scopes


def shown(kind: str, scopes) -> frozenset:
    """The fields of ``kind`` that callers with ``scopes`` see (none for a kind not listed)."""
    return _SHOWN.get((reviews(scopes), kind), _NOTHING)


def hidden_from_read(kind: str) -> frozenset:
    """Fields of ``kind`` a read key does not get. A kind with no public list
    (a draft, a custody entry) only ever appears inside such a field, whole."""
    if kind not in PUBLIC_FIELDS:
        return frozenset()
    return frozenset(REVIEW_FIELDS.get(kind, ())) - frozenset(PUBLIC_FIELDS[kind])


def context_for(request, **extra) -> dict:
    """Serializer context of an answer to ``request``: the caller's scopes.
    ``internal`` is kept for the row-level rules (drafts' verdicts)."""
    scopes = scopes_of(request)
    return {"scopes": scopes, "internal": reviews(scopes), **extra}


def scopes_in(context) -> frozenset:
    """The scopes a serializer answers for; without any, a read key's (fail closed)."""
    return context.get("scopes", READ_ONLY)


def only_shown(kind: str, data: dict, scopes) -> dict:
    """``data`` without what ``scopes`` may not see: for hand-built answers."""
    fields = shown(kind, scopes)
    return {name: value for name, value in data.items() if name in fields}


class ScopedSerializer(serializers.Serializer):
    """An output serializer whose fields are filtered by the caller's scopes
    (``context['scopes']``; a read key's when absent) through the lists above.
    Hidden fields are skipped before they are computed, so a read answer
    costs no query for what it will not show."""

    visibility = ""  # a kind in PUBLIC_FIELDS / REVIEW_FIELDS

    @property
    def _readable_fields(self):
        # DRF's to_representation iterates this; filtering here skips the
        # attribute reads (and prefetch lookups) of hidden fields.
        fields = shown(self.visibility, scopes_in(self.context))
        for field in super()._readable_fields:
            if field.field_name in fields:
                yield field


class ScopedSerializerSchema(OpenApiSerializerExtension):
    """In the OpenAPI schema, a field hidden from read keys is not required:
    every answer, whoever asks, then matches the schema."""

    target_class = ScopedSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        hidden = hidden_from_read(self.target.visibility)
        required = [name for name in schema.get("required", []) if name not in hidden]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema
