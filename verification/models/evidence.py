"""Evidence for and against a claim, the stored bytes behind it, and its custody log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verification.urlnorm import normalise_url


class StoredFile(models.Model):
    """Bytes stored once per SHA-256; evidence items and snapshots point here."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=200, help_text="Sniffed from the bytes, never the client's word.")
    original_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    integrity_ok = models.BooleanField(default=True, help_text="False once re-verification found different bytes.")

    def __str__(self):
        return f"{self.sha256[:12]} ({self.size} bytes)"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")
        OFFICIAL_STATEMENT = "official_statement", _("Official statement")
        ARTICLE = "article", _("Article")
        ARCHIVED_PAGE = "archived_page", _("Archived page")
        DATASET = "dataset", _("Dataset")
        TESTIMONY = "testimony", _("Testimony")

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        REFUTES = "refutes", _("Refutes")
        CONTEXT = "context", _("Context")

    class Capture(models.TextChoices):
        NOT_REQUESTED = "not_requested", "Not requested"
        PENDING = "pending", "Pending"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"

    claim = models.ForeignKey("verification.Claim", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    normalised_url = models.CharField(
        max_length=2000, blank=True, editable=False, db_index=True
    )  # related-evidence suggestions
    stored_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    provided_by = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence_provided"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT)
    credibility = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Admiralty information credibility 1–6."
    )
    notes = models.TextField(blank=True)
    public_note = models.TextField(
        blank=True, help_text="For readers: shown on the public page once the claim is published. Notes stay internal."
    )
    capture_status = models.CharField(max_length=16, choices=Capture.choices, default=Capture.NOT_REQUESTED)
    capture_error = models.TextField(blank=True)
    capture_attempts = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(credibility__isnull=True) | Q(credibility__gte=1, credibility__lte=6),
                name="evidence_credibility_1_6",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | Q(stored_file__isnull=False) | ~Q(notes=""), name="evidence_has_content"
            ),
        ]
        indexes = [
            models.Index(
                fields=["capture_status"], name="evidence_capture_pending_idx", condition=Q(capture_status="pending")
            )
        ]  # reconciler

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url) if self.url else ""
        super().save(*args, **kwargs)


class Snapshot(models.Model):
    """What a URL returned when captured: bytes (via StoredFile), headers, final URL,
    and the whole exchange as a web archive (WARC)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="snapshots")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="snapshots")
    warc = models.ForeignKey(
        StoredFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warc_snapshots",
        help_text="The fetch as a WARC file (verification/evidence/archives.py); none for older captures.",
    )
    requested_url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000)
    status_code = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=dict)
    redirects = models.JSONField(default=list)
    backend = models.CharField(max_length=32, default="http")
    captured_at = models.DateTimeField()

    class Meta:
        ordering = ["-captured_at"]


class CustodyEvent(models.Model):
    """Append-only chain of custody: who added, captured, downloaded, re-verified or edited the item."""

    class Action(models.TextChoices):
        ADDED = "added"
        UPLOADED = "uploaded"
        CAPTURE_REQUESTED = "capture_requested"
        CAPTURED = "captured"
        CAPTURE_FAILED = "capture_failed"
        WARC_WRITTEN = "warc_written"
        DOWNLOADED = "downloaded"
        VERIFIED = "verified"
        MISMATCH = "mismatch"
        STANCE_CHANGED = "stance_changed"
        CREDIBILITY_CHANGED = "credibility_changed"
        TITLE_CHANGED = "title_changed"
        NOTES_CHANGED = "notes_changed"
        PUBLIC_NOTE_CHANGED = "public_note_changed"
        PROVIDED_BY_CHANGED = "provided_by_changed"
        MEDIA_REVIEWED = "media_reviewed"  # an editor rated the media (verification/evidence/media_review.py)
        FRAME_OF_VIDEO = "frame_of_video"  # this item is a keyframe of another item's video (writes.attach_keyframe)
        FRAME_ATTACHED = "frame_attached"  # a keyframe of this video was attached as its own item
        TIMESTAMPED = "timestamped"  # an RFC 3161 token verified and stored (verification/evidence/timestamps.py)
        TIMESTAMP_REFUSED = "timestamp_refused"  # the authority's answer did not verify; nothing stored

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Preview(models.Model):
    """A picture we made from stored bytes (verification/evidence/previews.py): derived data,
    remade at will, so its row is updated in place rather than appended to.

    Keyed by the StoredFile, not the evidence item: bytes attached to two items (or
    captured twice) are previewed once. Today each file has one ``cover`` (the image
    itself, a PDF's first page, a frame of a video); more kinds (a video's keyframes)
    can sit beside it. The images are always ours (WebP, or PNG where Pillow lacks
    WebP), never the uploader's bytes: decoded, bounded, metadata stripped.
    """

    class Kind(models.TextChoices):
        COVER = "cover", "Cover (the one picture that stands for the file)"

    class Status(models.TextChoices):
        PENDING = "pending", "Being made"
        READY = "ready", "Ready"
        UNAVAILABLE = "unavailable", "No preview"

    stored_file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="previews")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COVER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why there is no preview: unsupported, damaged, over a limit.")
    image = models.FileField(upload_to="previews/%Y/%m/", blank=True, help_text="Large: the viewer's picture.")
    thumbnail = models.FileField(upload_to="previews/%Y/%m/", blank=True, help_text="Small: the panel's picture.")
    content_type = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    frame_seconds = models.FloatField(null=True, blank=True, help_text="For a video: when the frame shown is.")
    generator = models.CharField(max_length=100, blank=True, help_text="What made it: decoder and version.")
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the latest attempt began.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stored_file", "kind"], condition=Q(kind="cover"), name="preview_one_cover_per_file"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="preview_pending_idx", condition=Q(status="pending")),
        ]  # the sweep: pending previews no worker finished

    def __str__(self):
        return f"{self.get_kind_display().split(' ')[0]} of {self.stored_file_id} ({self.status})"


# One indexed column per chunk of a PDQ hash, c0 the most significant: eight of 21 bits, then four of
# 22 (256 bits in all), for the multi-index hashing that verification/evidence/perceptual.py describes
# (docs/evidence_hashes.md has the maths).
HASH_CHUNK_BITS = (21,) * 8 + (22,) * 4
HASH_CHUNKS = len(HASH_CHUNK_BITS)


class MediaHash(models.Model):
    """A PDQ perceptual hash of stored bytes (verification/evidence/perceptual.py):
    one row per hash, the picture itself or a video frame with its time, made by
    the worker that makes the preview. Derived data like `Preview`, keyed by the
    StoredFile, not by the evidence item.

    A file the worker could not read gets one row with status ``unreadable`` and
    the reason, and no hash. The hash is kept as 64 hex digits and again as
    twelve integers ``c0``..``c11`` (HASH_CHUNK_BITS), each indexed: "seen
    before" looks up chunk values, never every hash.
    """

    class Status(models.TextChoices):
        HASHED = "hashed", "Hashed"
        UNREADABLE = "unreadable", "Could not be read"

    stored_file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="media_hashes")
    ordinal = models.PositiveIntegerField(default=0, help_text="0 for a picture; a video's frames in order.")
    frame_seconds = models.FloatField(null=True, blank=True, help_text="For a video: when the frame hashed is.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HASHED)
    reason = models.TextField(blank=True, help_text="Why there is no hash: damaged, unsupported, over a limit.")
    pdq = models.CharField(max_length=64, blank=True, help_text="PDQ hash, 256 bits as 64 hex digits.")
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="PDQ's quality, 0-100: under 50 the picture is too plain to compare."
    )
    c0 = models.IntegerField(null=True, blank=True)
    c1 = models.IntegerField(null=True, blank=True)
    c2 = models.IntegerField(null=True, blank=True)
    c3 = models.IntegerField(null=True, blank=True)
    c4 = models.IntegerField(null=True, blank=True)
    c5 = models.IntegerField(null=True, blank=True)
    c6 = models.IntegerField(null=True, blank=True)
    c7 = models.IntegerField(null=True, blank=True)
    c8 = models.IntegerField(null=True, blank=True)
    c9 = models.IntegerField(null=True, blank=True)
    c10 = models.IntegerField(null=True, blank=True)
    c11 = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stored_file_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["stored_file", "ordinal"], name="mediahash_one_per_frame"),
            models.CheckConstraint(
                condition=Q(status="unreadable", pdq="") | Q(status="hashed", quality__isnull=False, c0__isnull=False),
                name="mediahash_hash_or_reason",
            ),
        ]
        # perceptual.nearby: one SELECT … WHERE cN IN (…) per chunk column, each served by its own index.
        indexes = [models.Index(fields=[f"c{i}"], name=f"mediahash_c{i}_idx") for i in range(HASH_CHUNKS)]

    def __str__(self):
        where = f" at {self.frame_seconds:.1f} s" if self.frame_seconds is not None else ""
        return f"PDQ of {self.stored_file_id}{where} ({self.status})"
