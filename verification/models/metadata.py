"""What a stored media file says about itself (verification/evidence/metadata.py):
camera, times, place, the software that last wrote it, a video's streams, a
PDF's producer. Derived data keyed by the StoredFile, like a Preview: read once
per file in a worker, remade at will, never evidence itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class MediaMetadata(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Being read")
        READY = "ready", gettext_lazy("Read")
        UNREADABLE = "unreadable", gettext_lazy("Could not be read")

    stored_file = models.OneToOneField(
        "verification.StoredFile",
        on_delete=models.CASCADE,
        related_name="metadata",
        verbose_name=gettext_lazy("stored file"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    reason = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why it could not be read: damaged, unsupported, over a limit."),
        verbose_name=gettext_lazy("reason"),
    )
    fields = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy(
            'What the file says, in order: [{"group", "name", "value", "flag"}]; a flag says why it matters.'
        ),
        verbose_name=gettext_lazy("fields"),
    )
    created = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When the file says it was made (EXIF, container or PDF), if it says."),
        verbose_name=gettext_lazy("created"),
    )
    content_credentials = models.JSONField(
        default=dict,
        blank=True,
        verbose_name=gettext_lazy("content credentials"),
        help_text=gettext_lazy(
            "C2PA Content Credentials (verification/evidence/credentials.py): status (none, read, "
            "unreadable), summary, validation_state, failures, signer, issuer, claim_generator, "
            "actions, ingredients."
        ),
    )
    reader = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy("What read it: library and version."),
        verbose_name=gettext_lazy("reader"),
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("requested at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("read at"))

    class Meta:
        verbose_name_plural = gettext_lazy("media metadata")
        indexes = [  # the sweep's re-send of reads no worker finished
            models.Index(fields=["requested_at"], name="metadata_pending_idx", condition=models.Q(status="pending"))
        ]
        verbose_name = gettext_lazy("media metadata")

    def __str__(self):
        return f"metadata of file {self.stored_file_id} ({self.status})"

    @property
    def flagged(self) -> list[dict]:
        return [field for field in self.fields if field.get("flag")]
