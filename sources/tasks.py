"""Source tasks: thin wrappers that take ids and call sources.track_records and
verification.calibration. All idempotent, so acks_late is safe: a task that
runs twice writes the same rows."""

import logging

from celery import shared_task
from django.db import OperationalError

log = logging.getLogger(__name__)

# Deadlocks and dropped connections pass; anything else is a bug and should surface.
TRANSIENT = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300,
             "retry_jitter": True, "max_retries": 5}


@shared_task(name="sources.tasks.recompute_track_records_for_claim", acks_late=True, ignore_result=True, **TRANSIENT)
def recompute_track_records_for_claim(claim_id: int) -> int:
    """Recompute the records of every source that *stated* the claim (sign-off enqueues this)."""
    from sources.track_records import recompute_for_claim

    written = recompute_for_claim(claim_id)
    log.info("claim %s: %s track record(s) recomputed", claim_id, written)
    return written


@shared_task(name="sources.tasks.refresh_track_records", acks_late=True, ignore_result=True, **TRANSIENT)
def refresh_track_records() -> int:
    """Periodic: re-age every record, since decay moves them even when no verdict changes."""
    from sources.track_records import recompute_all

    written = recompute_all()
    log.info("%s track record(s) refreshed", written)
    return written


@shared_task(name="sources.tasks.recompute_calibration", acks_late=True, ignore_result=True, **TRANSIENT)
def recompute_calibration() -> int:
    """Periodic: each reviewer's Brier score and reliability diagram from revised or confirmed verdicts."""
    from verification.calibration import recompute

    stored = recompute()
    log.info("calibration recomputed for %s reviewer(s)", stored)
    return stored
