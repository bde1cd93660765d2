"""A video's keyframes (verification/evidence/keyframes.py): the frames where a
scene changes, plus one every CLAIMDESK_KEYFRAME_INTERVAL_SECONDS, each with its
time. Derived data keyed by the StoredFile, like a Preview: extracted once per
file in a worker, remade at will. A frame becomes evidence only when someone
attaches it (verification.evidence.writes.attach_keyframe), and then as new
bytes with their own custody.
"""

from django.db import models


class KeyframeSet(models.Model):
    """One extraction of one video's keyframes: its status, how far it got and why it stopped."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being extracted"
        READY = "ready", "Done"
        PARTIAL = "partial", "Stopped at a limit"
        UNREADABLE = "unreadable", "Could not be read"

    stored_file = models.OneToOneField("verification.StoredFile", on_delete=models.CASCADE, related_name="keyframe_set")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why it stopped early or could not read the video, in words.")
    found = models.PositiveIntegerField(default=0, help_text="Keyframes stored so far: the panel's progress.")
    declared_seconds = models.FloatField(null=True, blank=True, help_text="The duration the container claims.")
    read_seconds = models.FloatField(null=True, blank=True, help_text="How far into the video frames were decoded.")
    generator = models.CharField(max_length=100, blank=True, help_text="What extracted them: decoder and version.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the latest attempt began.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [  # the sweep: extractions no worker finished
            models.Index(fields=["requested_at"], name="keyframeset_pending_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self):
        return f"keyframes of file {self.stored_file_id} ({self.status}, {self.found})"


class Keyframe(models.Model):
    """One frame of a video, as a picture we made (WebP, pixels only), with its time."""

    class Why(models.TextChoices):
        FIRST = "first", "The first frame"
        SCENE = "scene", "A scene change"
        INTERVAL = "interval", "The interval"

    keyframe_set = models.ForeignKey(KeyframeSet, on_delete=models.CASCADE, related_name="keyframes")
    index = models.PositiveIntegerField(help_text="0, 1, 2… in the order of the video.")
    seconds = models.FloatField(help_text="When the frame is shown, from the start of the video.")
    why = models.CharField(max_length=16, choices=Why.choices)
    image = models.FileField(upload_to="keyframes/%Y/%m/", help_text="Large: the viewer's picture and the download.")
    thumbnail = models.FileField(upload_to="keyframes/%Y/%m/", help_text="Small: the strip's picture.")
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumbnail_width = models.PositiveIntegerField()
    thumbnail_height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the large picture's bytes, as stored.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["keyframe_set_id", "index"]
        constraints = [models.UniqueConstraint(fields=["keyframe_set", "index"], name="keyframe_one_per_index")]

    def __str__(self):
        return f"keyframe {self.index} at {self.seconds:.1f} s of set {self.keyframe_set_id}"
