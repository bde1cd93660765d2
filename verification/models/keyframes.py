"""A video's keyframes (verification/evidence/keyframes.py): the frames where a
scene changes, plus one every CLAIMDESK_KEYFRAME_INTERVAL_SECONDS, each with its
time. Derived data keyed by the StoredFile, like a Preview: extracted once per
file in a worker, remade at will. A frame becomes evidence only when someone
attaches it (verification.evidence.writes.attach_keyframe), and then as new
bytes with their own custody.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class KeyframeSet(models.Model):
    """One extraction of one video's keyframes: its status, how far it got and why it stopped."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Being extracted")
        READY = "ready", gettext_lazy("Done")
        PARTIAL = "partial", gettext_lazy("Stopped at a limit")
        UNREADABLE = "unreadable", gettext_lazy("Could not be read")

    stored_file = models.OneToOneField(
        "verification.StoredFile",
        on_delete=models.CASCADE,
        related_name="keyframe_set",
        verbose_name=gettext_lazy("stored file"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    reason = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why it stopped early or could not read the video, in words."),
        verbose_name=gettext_lazy("reason"),
    )
    found = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Keyframes stored so far: the panel's progress."),
        verbose_name=gettext_lazy("found"),
    )
    declared_seconds = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The duration the container claims."),
        verbose_name=gettext_lazy("declared seconds"),
    )
    read_seconds = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("How far into the video frames were decoded."),
        verbose_name=gettext_lazy("read seconds"),
    )
    generator = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy("What extracted them: decoder and version."),
        verbose_name=gettext_lazy("generator"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("requested at"))
    started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When the latest attempt began."),
        verbose_name=gettext_lazy("started at"),
    )
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished at"))

    class Meta:
        indexes = [  # the sweep: extractions no worker finished
            models.Index(fields=["requested_at"], name="keyframeset_pending_idx", condition=models.Q(status="pending"))
        ]
        verbose_name = gettext_lazy("keyframe set")
        verbose_name_plural = gettext_lazy("keyframe sets")

    def __str__(self):
        return f"keyframes of file {self.stored_file_id} ({self.status}, {self.found})"


class Keyframe(models.Model):
    """One frame of a video, as a picture we made (WebP, pixels only), with its time."""

    class Why(models.TextChoices):
        FIRST = "first", gettext_lazy("The first frame")
        SCENE = "scene", gettext_lazy("A scene change")
        INTERVAL = "interval", gettext_lazy("The interval")

    keyframe_set = models.ForeignKey(
        KeyframeSet, on_delete=models.CASCADE, related_name="keyframes", verbose_name=gettext_lazy("keyframe set")
    )
    index = models.PositiveIntegerField(
        help_text=gettext_lazy("0, 1, 2… in the order of the video."), verbose_name=gettext_lazy("index")
    )
    seconds = models.FloatField(
        help_text=gettext_lazy("When the frame is shown, from the start of the video."),
        verbose_name=gettext_lazy("seconds"),
    )
    why = models.CharField(max_length=16, choices=Why.choices, verbose_name=gettext_lazy("why"))
    image = models.FileField(
        upload_to="keyframes/%Y/%m/",
        help_text=gettext_lazy("Large: the viewer's picture and the download."),
        verbose_name=gettext_lazy("image"),
    )
    thumbnail = models.FileField(
        upload_to="keyframes/%Y/%m/",
        help_text=gettext_lazy("Small: the strip's picture."),
        verbose_name=gettext_lazy("thumbnail"),
    )
    content_type = models.CharField(max_length=32, verbose_name=gettext_lazy("content type"))
    width = models.PositiveIntegerField(verbose_name=gettext_lazy("width"))
    height = models.PositiveIntegerField(verbose_name=gettext_lazy("height"))
    thumbnail_width = models.PositiveIntegerField(verbose_name=gettext_lazy("thumbnail width"))
    thumbnail_height = models.PositiveIntegerField(verbose_name=gettext_lazy("thumbnail height"))
    sha256 = models.CharField(
        max_length=64,
        help_text=gettext_lazy("Of the large picture's bytes, as stored."),
        verbose_name=gettext_lazy("sha256"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["keyframe_set_id", "index"]
        constraints = [models.UniqueConstraint(fields=["keyframe_set", "index"], name="keyframe_one_per_index")]
        verbose_name = gettext_lazy("keyframe")
        verbose_name_plural = gettext_lazy("keyframes")

    def __str__(self):
        return f"keyframe {self.index} at {self.seconds:.1f} s of set {self.keyframe_set_id}"
