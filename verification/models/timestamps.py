"""Trusted time for evidence hashes (verification/evidence/timestamps.py): an
RFC 3161 timestamp token from the timestamp authority the operator names in
CLAIMDESK_TSA_URL, saying that an item's SHA-256 existed at a time a third party
vouches for. Only a token that verified against CLAIMDESK_TSA_CA_FILE and whose
message imprint is the item's SHA-256 is ever stored.
"""

from django.db import models
from django.db.models import Q


class TrustedTimestamp(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Being requested"
        STAMPED = "stamped", "Timestamped and verified"
        REFUSED = "refused", "Refused: the answer did not verify"
        FAILED = "failed", "Failed: the authority could not be reached"

    evidence = models.ForeignKey("verification.Evidence", on_delete=models.CASCADE, related_name="timestamps")
    sha256 = models.CharField(max_length=64, help_text="The hash timestamped: the item's SHA-256 when asked for.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why there is no token (yet): what failed, in words.")
    tsa_url = models.CharField(max_length=2000, blank=True, help_text="The authority asked (CLAIMDESK_TSA_URL).")
    token = models.BinaryField(
        null=True, blank=True, help_text="The TimeStampResp as the authority sent it (DER, a .tsr file)."
    )
    gen_time = models.DateTimeField(null=True, blank=True, help_text="The time the authority vouches for.")
    tsa_name = models.CharField(max_length=500, blank=True, help_text="The signing certificate's subject.")
    serial_number = models.CharField(max_length=64, blank=True, help_text="The token's serial (decimal).")
    policy = models.CharField(max_length=200, blank=True, help_text="The authority's policy OID.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

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

    def __str__(self):
        return f"timestamp of {self.sha256[:12]} for evidence {self.evidence_id} ({self.status})"
