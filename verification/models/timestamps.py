"""Trusted time for evidence hashes (verification/evidence/timestamps.py): an
RFC 3161 timestamp token from the timestamp authority the operator names in
CLAIMDESK_TSA_URL, saying that an item's SHA-256 existed at a time a third party
vouches for. Only a token that verified against CLAIMDESK_TSA_CA_FILE and whose
message imprint is the item's SHA-256 is ever stored.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class TrustedTimestamp(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Being requested")
        STAMPED = "stamped", gettext_lazy("Timestamped and verified")
        REFUSED = "refused", gettext_lazy("Refused: the answer did not verify")
        FAILED = "failed", gettext_lazy("Failed: the authority could not be reached")

    evidence = models.ForeignKey(
        "verification.Evidence",
        on_delete=models.CASCADE,
        related_name="timestamps",
        verbose_name=gettext_lazy("evidence"),
    )
    sha256 = models.CharField(
        max_length=64,
        help_text=gettext_lazy("The hash timestamped: the item's SHA-256 when asked for."),
        verbose_name=gettext_lazy("sha256"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    reason = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why there is no token (yet): what failed, in words."),
        verbose_name=gettext_lazy("reason"),
    )
    tsa_url = models.CharField(
        max_length=2000,
        blank=True,
        help_text=gettext_lazy("The authority asked (CLAIMDESK_TSA_URL)."),
        verbose_name=gettext_lazy("tsa url"),
    )
    token = models.BinaryField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The TimeStampResp as the authority sent it (DER, a .tsr file)."),
        verbose_name=gettext_lazy("token"),
    )
    gen_time = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The time the authority vouches for."),
        verbose_name=gettext_lazy("gen time"),
    )
    tsa_name = models.CharField(
        max_length=500,
        blank=True,
        help_text=gettext_lazy("The signing certificate's subject."),
        verbose_name=gettext_lazy("tsa name"),
    )
    serial_number = models.CharField(
        max_length=64,
        blank=True,
        help_text=gettext_lazy("The token's serial (decimal)."),
        verbose_name=gettext_lazy("serial number"),
    )
    policy = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The authority's policy OID."),
        verbose_name=gettext_lazy("policy"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("requested at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished at"))

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "sha256"], name="timestamp_one_per_item_hash"),
            # A token is kept only once it verified; a refused answer leaves nothing behind.
            models.CheckConstraint(
                condition=Q(status="stamped", token__isnull=False, gen_time__isnull=False)
                | (~Q(status="stamped") & Q(token__isnull=True)),
                name="timestamp_token_only_when_stamped",
            ),
        ]
        indexes = [  # the sweep's re-send of requests no worker finished
            models.Index(fields=["requested_at"], name="timestamp_pending_idx", condition=Q(status="pending"))
        ]
        verbose_name = gettext_lazy("trusted timestamp")
        verbose_name_plural = gettext_lazy("trusted timestamps")

    def __str__(self):
        return f"timestamp of {self.sha256[:12]} for evidence {self.evidence_id} ({self.status})"
