"""Source tasks: thin wrappers that take ids and call sources.track_records."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def recompute_track_records_for_claim(claim_id: int) -> int:
    """Recompute the records of every source that *stated* the claim (idempotent)."""
    from sources.track_records import recompute_for_claim

    return recompute_for_claim(claim_id)
