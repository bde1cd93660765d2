"""Every Celery task of Claimdesk, thin: ids in, one domain function called.

Tasks take ids, re-fetch through the domain function, and return quietly when
the work is done or moved on, so each is idempotent and ``acks_late`` is safe.
Names are fixed with ``name=``: queued messages, the beat schedule in settings
and ``verification.enqueue`` name them, so moving code never orphans a task.
Retries are Celery's own (``autoretry_for`` with backoff and jitter), for
transient errors only; webhook deliveries keep their schedule in the database
(verification.webhooks.delivery) and periodic scans need none: the next run
repairs a lost one. No task sets an ETA for a deadline: deadlines live in rows.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from verification.credibility import calibration, fitting, track_records
from verification.evidence import capture, keyframes, metadata, previews, timestamps
from verification.intake import batches
from verification.webhooks import delivery
from verification.workflow import deadlines

log = logging.getLogger(__name__)

# Deadlocks and dropped connections pass; anything else is a bug and should surface.
TRANSIENT_DATABASE = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
THIN = {"acks_late": True, "ignore_result": True}


# --- Review queue: periodic scans (beat schedule in settings) ------------------------


@shared_task(name="verification.tasks.expire_leases", **THIN)
def expire_leases() -> int:
    return deadlines.expire_due_leases()


@shared_task(name="verification.tasks.escalate_overdue", **THIN)
def escalate_overdue() -> int:
    return deadlines.escalate_overdue()


@shared_task(name="verification.tasks.age_priorities", **THIN)
def age_priorities() -> int:
    return deadlines.age_priorities()


@shared_task(name="verification.tasks.reconcile", **THIN)
def reconcile() -> dict:
    return deadlines.reconcile()


@shared_task(name="verification.tasks.rereview_claim", **THIN)
def rereview_claim(claim_id: int, evidence_id: int) -> bool:
    """Sent by transitions.request_rereview on commit; the reconciler re-sends a lost one."""
    return deadlines.rereview(claim_id, evidence_id)


# --- Evidence ------------------------------------------------------------------------


# The attempt count lives in the evidence row (capture_now caps retries on it), so
# Celery's own max_retries is off: a capture re-sent by the reconciler starts at 0.
@shared_task(
    bind=True,
    name="verification.tasks.capture_evidence",
    autoretry_for=(capture.CaptureRetry,),
    retry_backoff=settings.CAPTURE_RETRY_BASE_SECONDS,
    retry_backoff_max=capture.retry_backoff_max(),
    retry_jitter=True,
    max_retries=None,
    **THIN,
)
def capture_evidence(self, evidence_id: int) -> None:
    capture.capture_now(evidence_id, retries=self.request.retries or 0)


@shared_task(name="verification.tasks.reverify_stored_files", **THIN)
def reverify_stored_files() -> dict:
    return capture.reverify_all()


# No autoretry: an attempt that fails is recorded (no preview, and why) or left
# pending for the sweep, which gives up after previews.MAX_ATTEMPTS.
@shared_task(name="verification.tasks.make_preview", **THIN)
def make_preview(stored_file_id: int) -> str | None:
    """Sent on commit when bytes are stored or captured; the sweep re-sends a lost one."""
    return previews.make(stored_file_id)


# Like previews: an unreadable file is an answer (recorded), not a retry.
@shared_task(name="verification.tasks.read_metadata", **THIN)
def read_metadata(stored_file_id: int) -> str | None:
    """What a stored image, video or PDF says about itself (verification/evidence/metadata.py)."""
    return metadata.read(stored_file_id)


# Like previews: a video that cannot be read (or is too long) is an answer, not a retry.
@shared_task(name="verification.tasks.extract_keyframes", **THIN)
def extract_keyframes(stored_file_id: int) -> str | None:
    """A video's keyframes, stored as they are found (verification/evidence/keyframes.py)."""
    return keyframes.extract(stored_file_id)


# Retries only for an authority that did not answer (TimestampRetry); an answer that does not
# verify is an answer, recorded as refused. The last attempt records "failed" instead of raising.
@shared_task(
    bind=True,
    name="verification.tasks.stamp_evidence_hash",
    autoretry_for=(timestamps.TimestampRetry,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=settings.TSA_MAX_RETRIES,
    **THIN,
)
def stamp_evidence_hash(self, timestamp_id: int) -> str | None:
    """Sent on commit when an item's hash is stored and CLAIMDESK_TSA_URL is set."""
    return timestamps.stamp(timestamp_id, retries_left=self.max_retries - (self.request.retries or 0))


@shared_task(name="verification.tasks.sweep_previews", **THIN)
def sweep_previews() -> dict:
    """Derived work no worker finished: previews, metadata, keyframes, trusted timestamps."""
    return {
        **previews.sweep(),
        "metadata": metadata.sweep(),
        "keyframes": keyframes.sweep(),
        "timestamps": timestamps.sweep(),
    }


# --- Article intake ------------------------------------------------------------------


@shared_task(
    bind=True,
    name="verification.tasks.run_intake_batch",
    autoretry_for=(batches.IntakeRetry,),
    retry_backoff=batches.RETRY_BASE_SECONDS,
    retry_jitter=True,
    max_retries=batches.FETCH_RETRIES,
    **THIN,
)
def run_intake_batch(self, batch_id: int) -> None:
    batches.run_batch(batch_id, retries_left=self.max_retries - (self.request.retries or 0))


# --- Webhooks ------------------------------------------------------------------------


@shared_task(name="verification.tasks.deliver_webhook", **THIN)
def deliver_webhook(delivery_id: int) -> None:
    delivery.deliver(delivery_id)


# --- Credibility (names kept from when these lived in sources/tasks.py) ---------------


@shared_task(name="sources.tasks.recompute_track_records_for_claim", **THIN, **TRANSIENT_DATABASE)
def recompute_track_records_for_claim(claim_id: int) -> int:
    """Sign-off enqueues this: the records of every source that stated the claim."""
    return track_records.recompute_for_claim(claim_id)


@shared_task(name="sources.tasks.refresh_track_records", **THIN, **TRANSIENT_DATABASE)
def refresh_track_records() -> int:
    """Periodic: re-age every record, since decay moves them even when no verdict changes."""
    return track_records.recompute_all()


@shared_task(name="sources.tasks.recompute_calibration", **THIN, **TRANSIENT_DATABASE)
def recompute_calibration() -> int:
    """Periodic: each reviewer's Brier score and reliability diagram."""
    return calibration.recompute()


@shared_task(name="verification.tasks.refit_suggestions", **THIN, **TRANSIENT_DATABASE)
def refit_suggestions(force: bool = False) -> bool:
    """Sign-off sends this with a delay (skipped when the model already saw the latest verdict);
    the nightly beat entry forces it."""
    if force:
        return fitting.refit() is not None
    return fitting.refit_if_stale()
