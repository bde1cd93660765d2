"""Evidence of a claim: GET lists it (scope read), POST adds it (scope review);
an item's "seen before" matches (scope review), from its perceptual hashes.

POST takes JSON with a `url` (captured by a worker after commit) or `notes`
(evidence with neither URL nor file), or a multipart form with a `file`. An
upload is streamed: Django spools it to disk as it arrives, and intake copies
it in chunks while hashing; the size limit is checked against Content-Length
before a byte of the body is read. Writes go through verification.evidence.writes,
as the desk's forms do.
"""

import base64

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from sources.models import Source
from verification.api.auth import acting_user
from verification.api.base import ApiView, not_found
from verification.api.errors import Problem
from verification.api.inputs import HttpURLField, StrictInput
from verification.api.media_reviews import MediaReviewOutput
from verification.api.visibility import ScopedSerializer, context_for
from verification.evidence import keyframes, media_review, metadata, perceptual, timestamps
from verification.evidence import writes as evidence_writes
from verification.evidence.storage import EvidenceRefused
from verification.models import Claim, Evidence, Snapshot

TAGS = ["evidence"]
_REVIEW = "Scope review; absent for read keys."
# Multipart framing and the other form fields, on top of the file itself.
MULTIPART_ALLOWANCE = 1024 * 1024
_FILE = (
    "An upload (multipart/form-data). Its type is read from its bytes; the limits are CLAIMDESK_UPLOAD_MAX_BYTES "
    "and CLAIMDESK_UPLOAD_TYPES."
)
_CREDIBILITY = "Admiralty information credibility, 1 (confirmed) to 6."
_PROVIDED_BY = "Id of the source that provided it."
_PUBLIC_NOTE = "A note for readers, shown on the public page once the claim is published (notes stay internal)."


class EvidenceInput(StrictInput, serializers.Serializer):
    url = HttpURLField(max_length=2000, required=False, help_text="A page to capture. JSON or form.")
    file = serializers.FileField(required=False, help_text=_FILE)
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Alone: evidence with neither URL nor file (a testimony, a call).",
    )
    kind = serializers.ChoiceField(
        choices=Evidence.Kind.choices,
        required=False,
        help_text="Default: article for a URL, from the bytes for a file, testimony for a note.",
    )
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    public_note = serializers.CharField(
        max_length=evidence_writes.PUBLIC_NOTE_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_PUBLIC_NOTE,
    )
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, default=Evidence.Stance.CONTEXT)
    credibility = serializers.IntegerField(
        min_value=1,
        max_value=6,
        required=False,
        allow_null=True,
        default=None,
        help_text=_CREDIBILITY,
    )
    provided_by = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_PROVIDED_BY,
    )

    def validate(self, data):
        given = [name for name in ("url", "file") if data.get(name)]
        if len(given) > 1:
            raise serializers.ValidationError({"file": [gettext("Send a URL or a file, not both.")]})
        if not given and not data.get("notes", "").strip():
            raise serializers.ValidationError(
                {"url": [gettext("Send a url, a file, or notes describing the evidence.")]}
            )
        return data


class EvidenceJsonInput(EvidenceInput):
    """EvidenceInput as a JSON body, for the schema: a file comes only in a form."""

    file = None
    requires_any_of = ("url", "notes")


class EvidenceUploadInput(EvidenceInput):
    """EvidenceInput as a multipart form, for the schema: an upload, with its
    file (a URL comes as JSON). A form cannot carry null, so the source and
    the credibility are left out to say none."""

    url = None
    file = serializers.FileField(help_text=_FILE)
    credibility = serializers.IntegerField(min_value=1, max_value=6, required=False, help_text=_CREDIBILITY)
    provided_by = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, help_text=_PROVIDED_BY
    )


class StoredFileOutput(ScopedSerializer):
    visibility = "stored_file"
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField(help_text="Sniffed from the bytes.")
    integrity_ok = serializers.BooleanField(help_text="False once re-verification found different bytes.")
    last_verified_at = serializers.DateTimeField(allow_null=True)


class SnapshotOutput(ScopedSerializer):
    visibility = "snapshot"
    id = serializers.IntegerField()
    requested_url = serializers.CharField()
    final_url = serializers.CharField()
    status_code = serializers.IntegerField()
    redirects = serializers.JSONField()
    headers = serializers.JSONField()
    backend = serializers.CharField()
    captured_at = serializers.DateTimeField()
    stored_file = StoredFileOutput()
    warc = StoredFileOutput(
        allow_null=True,
        help_text="The fetch as a WARC file (application/warc, gzip per record); null for older captures.",
    )
    warc_download_url = serializers.SerializerMethodField(help_text="A desk path: it needs a signed-in user.")
    archived_text_url = serializers.SerializerMethodField(
        help_text="A desk page with the archived page's main text, read from the WARC."
    )

    def get_warc_download_url(self, snapshot) -> str | None:
        if snapshot.warc_id is None:
            return None
        return reverse("desk-evidence-warc", args=[snapshot.evidence_id, snapshot.pk])

    def get_archived_text_url(self, snapshot) -> str | None:
        if snapshot.warc_id is None:
            return None
        return reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk])


class FileMetadataOutput(ScopedSerializer):
    """What the item's file says about itself (verification/evidence/metadata.py), with
    its Content Credentials (verification/evidence/credentials.py)."""

    visibility = "file_metadata"
    status = serializers.CharField(help_text="pending, ready or unreadable.")
    reason = serializers.CharField(allow_blank=True, help_text="Why it could not be read.")
    fields = serializers.JSONField(help_text='[{"group", "name", "value", "flag"}]; a flag says why it matters.')
    checks = serializers.ListField(
        child=serializers.CharField(), help_text="The flags to look at, the claim's timeline included."
    )
    created = serializers.DateTimeField(allow_null=True, help_text="When the file says it was made.")
    content_credentials = serializers.JSONField(
        help_text=(
            "C2PA: status (none, read, unreadable, skipped), summary, validation_state, failures, "
            "signer, issuer, certificate_serial, signed_at, claim_generator, title, actions, "
            "ingredients; {} for a PDF."
        )
    )
    reader = serializers.CharField(allow_blank=True)
    read_at = serializers.DateTimeField(allow_null=True)


class TrustedTimestampOutput(ScopedSerializer):
    """An RFC 3161 timestamp of the item's hash (verification/evidence/timestamps.py)."""

    visibility = "trusted_timestamp"
    id = serializers.IntegerField()
    sha256 = serializers.CharField(help_text="The hash timestamped.")
    status = serializers.CharField(help_text="pending, stamped (verified and stored), refused or failed.")
    reason = serializers.CharField(allow_blank=True, help_text="Why there is no token (yet).")
    tsa_name = serializers.CharField(allow_blank=True)
    gen_time = serializers.DateTimeField(allow_null=True, help_text="The time the authority vouches for.")
    serial_number = serializers.CharField(allow_blank=True)
    policy = serializers.CharField(allow_blank=True)
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    token = serializers.SerializerMethodField(
        help_text="The TimeStampResp (DER) in base64, as the .tsr download; null unless stamped."
    )
    token_download_url = serializers.SerializerMethodField(help_text="A desk path: it needs a signed-in user.")

    def get_token(self, stamp) -> str | None:
        return base64.b64encode(bytes(stamp.token)).decode() if stamp.status == "stamped" and stamp.token else None

    def get_token_download_url(self, stamp) -> str | None:
        if stamp.status != "stamped":
            return None
        return reverse("desk-evidence-timestamp", args=[stamp.evidence_id, stamp.pk])


class CustodyOutput(ScopedSerializer):
    visibility = "custody"
    action = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="Username; null for the system.")
    sha256 = serializers.CharField(allow_blank=True)
    detail = serializers.JSONField()
    created_at = serializers.DateTimeField()

    def get_actor(self, event) -> str | None:
        return event.actor.get_username() if event.actor is not None else None


class RelatedOutput(ScopedSerializer):
    visibility = "related_evidence"
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class KeyframeOutput(serializers.Serializer):
    index = serializers.IntegerField()
    seconds = serializers.FloatField(help_text="When the frame is shown, from the start of the video.")
    url = serializers.SerializerMethodField(help_text="The frame's picture: a desk path, it needs a signed-in user.")

    def get_url(self, keyframe) -> str:
        return reverse("desk-keyframe", args=[self.context["evidence"].pk, keyframe.index])


class EvidenceOutput(ScopedSerializer):
    """An evidence item: what the public page lists for read keys; notes,
    capture errors, files, snapshots and the custody log for reviewers."""

    visibility = "evidence"
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True, required=False, help_text=_REVIEW)
    public_note = serializers.CharField(allow_blank=True, required=False, help_text=_REVIEW + " " + _PUBLIC_NOTE)
    stance = serializers.CharField()
    credibility = serializers.IntegerField(allow_null=True)
    provided_by = serializers.IntegerField(source="provided_by_id", allow_null=True)
    sha256 = serializers.CharField(allow_blank=True, help_text="Of the file, or of the latest snapshot.")
    capture_status = serializers.CharField()
    capture_error = serializers.CharField(
        allow_blank=True, required=False, help_text=_REVIEW + " May name addresses inside the network."
    )
    capture_attempts = serializers.IntegerField(required=False, help_text=_REVIEW)
    added_at = serializers.DateTimeField()
    stored_file = StoredFileOutput(allow_null=True, required=False, help_text=_REVIEW)
    snapshots = SnapshotOutput(many=True, source="snapshots.all", required=False, help_text=_REVIEW)
    custody = CustodyOutput(many=True, source="custody.all", required=False, help_text=_REVIEW)
    download_url = serializers.SerializerMethodField(help_text=_REVIEW + " A desk path: it needs a signed-in user.")
    related = serializers.SerializerMethodField(
        help_text=_REVIEW + " Evidence on other claims with the same URL or bytes."
    )
    media_review = serializers.SerializerMethodField(
        help_text=_REVIEW + " The current MediaReview rating of a media item; null when unrated."
    )
    keyframes = serializers.SerializerMethodField(
        help_text=_REVIEW + " A video's keyframes so far (docs/evidence_keyframes.md); null for anything else."
    )

    @extend_schema_field(KeyframeOutput(many=True, allow_null=True))
    def get_keyframes(self, evidence) -> list[dict] | None:
        found = self.context.get("keyframes", {}).get(evidence.pk)
        if found is None:
            return None
        return KeyframeOutput(found.keyframes.all(), many=True, context={**self.context, "evidence": evidence}).data

    file_metadata = serializers.SerializerMethodField(
        help_text=_REVIEW + " What the file says about itself, Content Credentials included; null without a file."
    )
    timestamps = serializers.SerializerMethodField(
        help_text=_REVIEW + " RFC 3161 timestamps of the item's hashes, newest first (CLAIMDESK_TSA_URL)."
    )

    @extend_schema_field(FileMetadataOutput(allow_null=True))
    def get_file_metadata(self, evidence) -> dict | None:
        row = self.context.get("metadata", {}).get(evidence.pk)
        return FileMetadataOutput(row, context=self.context).data if row is not None else None

    @extend_schema_field(TrustedTimestampOutput(many=True))
    def get_timestamps(self, evidence) -> list[dict]:
        stamps = self.context.get("timestamps", {}).get(evidence.pk, [])
        return TrustedTimestampOutput(stamps, many=True, context=self.context).data

    def get_download_url(self, evidence) -> str | None:
        if not evidence.stored_file_id and not evidence.sha256:
            return None
        return reverse("desk-evidence-download", args=[evidence.pk])

    def get_related(self, evidence) -> list[dict]:
        related = self.context.get("related", {}).get(evidence.pk, [])
        return RelatedOutput(related, many=True, context=self.context).data

    @extend_schema_field(MediaReviewOutput(allow_null=True))
    def get_media_review(self, evidence) -> dict | None:
        review = self.context.get("media_reviews", {}).get(evidence.pk)
        return MediaReviewOutput(review, context=self.context).data if review is not None else None


class EvidenceListOutput(ScopedSerializer):
    visibility = "evidence_list"
    results = EvidenceOutput(many=True)


def evidence_queryset(claim_id: int, internal: bool):
    """Files, snapshots and custody are fetched only for callers who see them."""
    queryset = Evidence.objects.filter(claim_id=claim_id).order_by("added_at", "id")
    if not internal:
        return queryset
    snapshots = Prefetch("snapshots", queryset=Snapshot.objects.select_related("stored_file", "warc"))
    return queryset.select_related("stored_file").prefetch_related(snapshots, "custody__actor")


def output(items: list[Evidence], context: dict, many: bool = True):
    if context["internal"]:
        context = {
            **context,
            "related": evidence_writes.related_map(items),
            "media_reviews": media_review.current_reviews(items),
            "keyframes": keyframes.for_items(items),
            "timestamps": timestamps.for_items(items, with_token=True),
            "metadata": metadata.for_items(items, context["claim"]) if items else {},
        }
    data = EvidenceOutput(items, many=True, context=context).data
    return data if many else data[0]


class ClaimEvidenceView(ApiView):
    problem_codes = (413, 415)

    @extend_schema(tags=TAGS, operation_id="claims_evidence_list", responses=EvidenceListOutput)
    def get(self, request, pk: int):
        claim = Claim.objects.filter(pk=pk).first()  # the metadata's timeline flags are read against it
        if claim is None:
            raise not_found(gettext("Claim"), pk)
        context = context_for(request, claim=claim)
        return Response({"results": output(list(evidence_queryset(pk, context["internal"])), context)})

    @extend_schema(
        tags=TAGS,
        operation_id="claims_evidence_create",
        request={"application/json": EvidenceJsonInput, "multipart/form-data": EvidenceUploadInput},
        responses={
            201: EvidenceOutput,
            413: OpenApiResponse(description="Over CLAIMDESK_UPLOAD_MAX_BYTES."),
            415: OpenApiResponse(description="A sniffed type not in CLAIMDESK_UPLOAD_TYPES."),
        },
    )
    def post(self, request, pk: int):
        _refuse_oversized_body(request)
        claim = Claim.objects.filter(pk=pk).first()
        if claim is None:
            raise not_found(gettext("Claim"), pk)
        serializer = EvidenceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = _add(acting_user(request), pk, serializer.validated_data)
        context = context_for(request, claim=claim)
        return Response(
            output(list(evidence_queryset(pk, context["internal"]).filter(pk=evidence.pk)), context, many=False),
            status=status.HTTP_201_CREATED,
        )


def _refuse_oversized_body(request) -> None:
    """Answer 413 from the headers alone: a body that cannot fit is never read."""
    limit = settings.UPLOAD_MAX_BYTES
    length = request.META.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > limit + MULTIPART_ALLOWANCE:
        raise Problem(
            413,
            gettext(
                "The upload is over the limit of %(limit)s bytes (CLAIMDESK_UPLOAD_MAX_BYTES): the request "
                "is %(length)s bytes. Upload a smaller file or ask an admin to raise the limit."
            )
            % {"limit": limit, "length": length},
            code="upload_too_large",
            limit_bytes=limit,
            sent_bytes=int(length),
        )


def _add(actor, claim_id: int, data: dict) -> Evidence:
    common = {
        "title": data["title"],
        "stance": data["stance"],
        "credibility": data["credibility"],
        "provided_by": data["provided_by"],
        "public_note": data["public_note"],
    }
    try:
        if data.get("file"):
            return evidence_writes.add_evidence_file(
                actor, claim_id, data["file"], kind=data.get("kind"), notes=data["notes"], **common
            )
        if data.get("url"):
            return evidence_writes.add_evidence_url(
                actor,
                claim_id,
                data["url"],
                kind=data.get("kind", Evidence.Kind.ARTICLE),
                notes=data["notes"],
                **common,
            )
        return evidence_writes.add_evidence_note(
            actor, claim_id, data["notes"], kind=data.get("kind", Evidence.Kind.TESTIMONY), **common
        )
    except EvidenceRefused as exc:
        raise Problem(exc.http_status, str(exc), code=exc.code, **exc.detail) from None


class MatchOutput(serializers.Serializer):
    evidence = serializers.IntegerField(source="evidence_id", help_text="The earlier evidence item.")
    claim = serializers.IntegerField(source="claim_id")
    kind = serializers.CharField()
    first_stored_at = serializers.DateTimeField(help_text="When the earlier item was added to the desk.")
    distance = serializers.IntegerField(help_text="Bits of the 256 of the PDQ hashes that differ.")
    frame_seconds = serializers.FloatField(allow_null=True, help_text="The earlier item's frame, for a video.")


class MatchesOutput(serializers.Serializer):
    evidence = serializers.IntegerField()
    threshold = serializers.IntegerField(help_text="CLAIMDESK_PDQ_MATCH_DISTANCE.")
    matches = MatchOutput(many=True)


class EvidenceMatchesView(ApiView):
    read_scope = "review"  # which claims an item was seen on before is the desk's working knowledge

    @extend_schema(
        tags=TAGS,
        operation_id="evidence_matches",
        responses=MatchesOutput,
        summary="Earlier evidence showing the same picture or frame",
        description=gettext(
            "Scope `review`. Evidence added before this item, on any claim, whose PDQ perceptual hash "
            "is within `threshold` bits of one of this item's (its picture, or its video's frame), "
            "nearest first, at most %(perceptual_max_matches)s. Empty until a worker has hashed the "
            "item."
        )
        % {"perceptual_max_matches": perceptual.MAX_MATCHES},
    )
    def get(self, request, pk: int):
        item = Evidence.objects.filter(pk=pk).only("pk", "sha256", "added_at").first()
        if item is None:
            raise not_found(gettext("Evidence"), pk)
        matches = perceptual.seen_before([item]).get(item.pk, [])
        body = {"evidence": item.pk, "threshold": settings.PDQ_MATCH_DISTANCE, "matches": matches}
        return Response(MatchesOutput(body).data)
