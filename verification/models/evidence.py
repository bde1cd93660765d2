"""Evidence for and against a claim, the stored bytes behind it, and its custody log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verification.urlnorm import normalise_url


class StoredFile(models.Model):
    """Bytes stored once per SHA-256; evidence items and snapshots point here."""

    sha256 = models.CharField(max_length=64, unique=True, verbose_name=_("sha256"))
    file = models.FileField(upload_to="evidence/%Y/%m/", verbose_name=_("file"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    content_type = models.CharField(
        max_length=200, help_text=_("Sniffed from the bytes, never the client's word."), verbose_name=_("content type")
    )
    original_name = models.CharField(max_length=300, blank=True, verbose_name=_("original name"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last verified at"))
    integrity_ok = models.BooleanField(
        default=True, help_text=_("False once re-verification found different bytes."), verbose_name=_("integrity ok")
    )

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

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
        NOT_REQUESTED = "not_requested", _("Not requested")
        PENDING = "pending", _("Pending")
        CAPTURED = "captured", _("Captured")
        FAILED = "failed", _("Failed")

    claim = models.ForeignKey(
        "verification.Claim", on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=500, verbose_name=_("title"))
    url = models.URLField(max_length=2000, blank=True, verbose_name=_("url"))
    normalised_url = models.CharField(
        max_length=2000, blank=True, editable=False, db_index=True, verbose_name=_("normalised url")
    )  # related-evidence suggestions
    stored_file = models.ForeignKey(
        StoredFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("stored file"),
    )
    sha256 = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("sha256"))
    provided_by = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_provided",
        verbose_name=_("provided by"),
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT, verbose_name=_("stance"))
    credibility = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Admiralty information credibility 1–6."), verbose_name=_("credibility")
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    public_note = models.TextField(
        blank=True,
        help_text=_("For readers: shown on the public page once the claim is published. Notes stay internal."),
        verbose_name=_("public note"),
    )
    capture_status = models.CharField(
        max_length=16, choices=Capture.choices, default=Capture.NOT_REQUESTED, verbose_name=_("capture status")
    )
    capture_error = models.TextField(blank=True, verbose_name=_("capture error"))
    capture_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("capture attempts"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = _("evidence")
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
        verbose_name = _("evidence")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url) if self.url else ""
        super().save(*args, **kwargs)


class Snapshot(models.Model):
    """What a URL returned when captured: bytes (via StoredFile), headers, final URL,
    and the whole exchange as a web archive (WARC)."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("evidence")
    )
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("stored file")
    )
    warc = models.ForeignKey(
        StoredFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warc_snapshots",
        help_text=_("The fetch as a WARC file (verification/evidence/archives.py); none for older captures."),
        verbose_name=_("warc"),
    )
    requested_url = models.URLField(max_length=2000, verbose_name=_("requested url"))
    final_url = models.URLField(max_length=2000, verbose_name=_("final url"))
    status_code = models.PositiveSmallIntegerField(verbose_name=_("status code"))
    headers = models.JSONField(default=dict, verbose_name=_("headers"))
    redirects = models.JSONField(default=list, verbose_name=_("redirects"))
    backend = models.CharField(max_length=32, default="http", verbose_name=_("backend"))
    captured_at = models.DateTimeField(verbose_name=_("captured at"))

    class Meta:
        ordering = ["-captured_at"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")


class CustodyEvent(models.Model):
    """Append-only chain of custody: who added, captured, downloaded, re-verified or edited the item."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        UPLOADED = "uploaded", _("Uploaded")
        CAPTURE_REQUESTED = "capture_requested", _("Capture Requested")
        CAPTURED = "captured", _("Captured")
        CAPTURE_FAILED = "capture_failed", _("Capture Failed")
        WARC_WRITTEN = "warc_written", _("Warc Written")
        DOWNLOADED = "downloaded", _("Downloaded")
        VERIFIED = "verified", _("Verified")
        MISMATCH = "mismatch", _("Mismatch")
        STANCE_CHANGED = "stance_changed", _("Stance Changed")
        CREDIBILITY_CHANGED = "credibility_changed", _("Credibility Changed")
        TITLE_CHANGED = "title_changed", _("Title Changed")
        NOTES_CHANGED = "notes_changed", _("Notes Changed")
        PUBLIC_NOTE_CHANGED = "public_note_changed", _("Public Note Changed")
        PROVIDED_BY_CHANGED = "provided_by_changed", _("Provided By Changed")
        # an editor rated the media (verification/evidence/media_review.py)
        MEDIA_REVIEWED = "media_reviewed", _("Media Reviewed")
        # this item is a keyframe of another item's video (writes.attach_keyframe)
        FRAME_OF_VIDEO = "frame_of_video", _("Frame Of Video")
        # a keyframe of this video was attached as its own item
        FRAME_ATTACHED = "frame_attached", _("Frame Attached")
        # an RFC 3161 token verified and stored (verification/evidence/timestamps.py)
        TIMESTAMPED = "timestamped", _("Timestamped")
        # the authority's answer did not verify; nothing stored
        TIMESTAMP_REFUSED = "timestamp_refused", _("Timestamp Refused")

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="custody", verbose_name=_("evidence"))
    action = models.CharField(max_length=24, choices=Action.choices, verbose_name=_("action"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("sha256"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")


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
        COVER = "cover", _("Cover (the one picture that stands for the file)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        UNAVAILABLE = "unavailable", _("No preview")

    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="previews", verbose_name=_("stored file")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COVER, verbose_name=_("kind"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    reason = models.TextField(
        blank=True,
        help_text=_("Why there is no preview: unsupported, damaged, over a limit."),
        verbose_name=_("reason"),
    )
    image = models.FileField(
        upload_to="previews/%Y/%m/", blank=True, help_text=_("Large: the viewer's picture."), verbose_name=_("image")
    )
    thumbnail = models.FileField(
        upload_to="previews/%Y/%m/", blank=True, help_text=_("Small: the panel's picture."), verbose_name=_("thumbnail")
    )
    content_type = models.CharField(max_length=32, blank=True, verbose_name=_("content type"))
    width = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("height"))
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("thumbnail width"))
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("thumbnail height"))
    frame_seconds = models.FloatField(
        null=True, blank=True, help_text=_("For a video: when the frame shown is."), verbose_name=_("frame seconds")
    )
    generator = models.CharField(
        max_length=100, blank=True, help_text=_("What made it: decoder and version."), verbose_name=_("generator")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    started_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the latest attempt began."), verbose_name=_("started at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

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
        verbose_name = _("preview")
        verbose_name_plural = _("previews")

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
        HASHED = "hashed", _("Hashed")
        UNREADABLE = "unreadable", _("Could not be read")

    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="media_hashes", verbose_name=_("stored file")
    )
    ordinal = models.PositiveIntegerField(
        default=0, help_text=_("0 for a picture; a video's frames in order."), verbose_name=_("ordinal")
    )
    frame_seconds = models.FloatField(
        null=True, blank=True, help_text=_("For a video: when the frame hashed is."), verbose_name=_("frame seconds")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HASHED, verbose_name=_("status"))
    reason = models.TextField(
        blank=True, help_text=_("Why there is no hash: damaged, unsupported, over a limit."), verbose_name=_("reason")
    )
    pdq = models.CharField(
        max_length=64, blank=True, help_text=_("PDQ hash, 256 bits as 64 hex digits."), verbose_name=_("pdq")
    )
    quality = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("PDQ's quality, 0-100: under 50 the picture is too plain to compare."),
        verbose_name=_("quality"),
    )
    c0 = models.IntegerField(null=True, blank=True, verbose_name=_("c0"))
    c1 = models.IntegerField(null=True, blank=True, verbose_name=_("c1"))
    c2 = models.IntegerField(null=True, blank=True, verbose_name=_("c2"))
    c3 = models.IntegerField(null=True, blank=True, verbose_name=_("c3"))
    c4 = models.IntegerField(null=True, blank=True, verbose_name=_("c4"))
    c5 = models.IntegerField(null=True, blank=True, verbose_name=_("c5"))
    c6 = models.IntegerField(null=True, blank=True, verbose_name=_("c6"))
    c7 = models.IntegerField(null=True, blank=True, verbose_name=_("c7"))
    c8 = models.IntegerField(null=True, blank=True, verbose_name=_("c8"))
    c9 = models.IntegerField(null=True, blank=True, verbose_name=_("c9"))
    c10 = models.IntegerField(null=True, blank=True, verbose_name=_("c10"))
    c11 = models.IntegerField(null=True, blank=True, verbose_name=_("c11"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
        verbose_name = _("media hash")
        verbose_name_plural = _("media hashes")

    def __str__(self):
        where = f" at {self.frame_seconds:.1f} s" if self.frame_seconds is not None else ""
        return f"PDQ of {self.stored_file_id}{where} ({self.status})"
