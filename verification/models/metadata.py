"""What a stored media file says about itself (verification/evidence/metadata.py):
camera, times, place, the software that last wrote it, a video's streams, a
PDF's producer. Derived data keyed by the StoredFile, like a Preview: read once
per file in a worker, remade at will, never evidence itself.
"""

from django.db import models


class MediaMetadata(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Being read"
        READY = "ready", "Read"
        UNREADABLE = "unreadable", "Could not be read"

    stored_file = models.OneToOneField("verification.StoredFile", on_delete=models.CASCADE, related_name="metadata")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why it could not be read: damaged, unsupported, over a limit.")
    fields = models.JSONField(
        default=list,
        blank=True,
        help_text='What the file says, in order: [{"group", "name", "value", "flag"}]; a flag says why it matters.',
    )
    created = models.DateTimeField(
        null=True, blank=True, help_text="When the file says it was made (EXIF, container or PDF), if it says."
    )
    content_credentials = models.JSONField(
        default=dict,
        blank=True,
        help_text="C2PA Content Credentials (verification/evidence/credentials.py): status (none, read, unreadable), "
        "summary, validation_state, failures, signer, issuer, claim_generator, actions, ingredients.",
    )
    reader = models.CharField(max_length=100, blank=True, help_text="What read it: library and version.")
    requested_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "media metadata"
        indexes = [  # the sweep's re-send of reads no worker finished
            models.Index(fields=["requested_at"], name="metadata_pending_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self):
        return f"metadata of file {self.stored_file_id} ({self.status})"

    @property
    def flagged(self) -> list[dict]:
        return [field for field in self.fields if field.get("flag")]
