"""One row of every model the admin shows, so page tests cover them all."""

import hashlib

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from sources.models import TrackRecord
from verification.models import (
    ApiKey,
    CalibrationSnapshot,
    Claim,
    IntakeBatch,
    Notification,
    Proposal,
    Snapshot,
    StoredFile,
    WebhookEndpoint,
    WorkerHeartbeat,
)
from verification.webhooks import outbox
from verification.workflow import transitions


def populate(reviewer, editor) -> None:
    call_command("seed", verbosity=0)
    claim = Claim.objects.order_by("-priority", "created_at").first()
    taken = transitions.take_next(reviewer)
    transitions.assess(reviewer, taken.pk, verdict="unproven", confidence=0.4, rationale="Only one side says so.")
    transitions.sign_off(editor, taken.pk)
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==", created_by=editor)
    outbox.emit("claim.published", {"id": claim.pk})
    ApiKey.objects.create(name="newsroom site", prefix="cd_test1", digest="0" * 64, scope="read")
    body = b"%PDF-1.4 seed"
    stored = StoredFile.objects.create(
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content_type="application/pdf",
        file=ContentFile(body, name="brief.pdf"),
    )
    evidence = claim.evidence.first() or Claim.objects.filter(evidence__isnull=False).first().evidence.first()
    Snapshot.objects.create(
        evidence=evidence,
        stored_file=stored,
        requested_url="https://example.org/a",
        final_url="https://example.org/a",
        status_code=200,
        captured_at=timezone.now(),
    )
    TrackRecord.objects.create(source=claim.attributions.first().source, mean=0.5, count=1)
    WorkerHeartbeat.objects.update_or_create(hostname="test@localhost", defaults={"seen_at": timezone.now()})
    batch = IntakeBatch.objects.create(created_by=reviewer, text="Budanov said 2,600 soldiers would go to Kursk.")
    Proposal.objects.create(batch=batch, position=0, text="2,600 soldiers would go to Kursk.")
    CalibrationSnapshot.objects.create(reviewer=reviewer, count=1, confirmed=1, brier=0.16, ece=0.4)
    if not Notification.objects.exists():
        Notification.objects.create(user=reviewer, kind="published", claim=claim, message="Published.")
