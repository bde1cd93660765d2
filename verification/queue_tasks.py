"""Review-queue tasks: thin, idempotent wrappers around verification.deadlines.

The periodic ones (beat schedule in settings, each with ``expires``) scan the
database for what is due, so a lost or repeated run is repaired or harmless
at the next one: they need no retries. ``rereview_claim`` is sent on commit by
``transitions.request_rereview``; if it is lost or fails, the reconciler sends
it again. No task here schedules an ETA or countdown: deadlines and lease
expiries live in the database.
"""

import logging

from celery import shared_task

from verification import deadlines

log = logging.getLogger(__name__)


@shared_task(name="verification.tasks.expire_leases", acks_late=True, ignore_result=True)
def expire_leases() -> int:
    expired = deadlines.expire_due_leases()
    if expired:
        log.info("returned %d expired lease(s) to the queue", expired)
    return expired


@shared_task(name="verification.tasks.escalate_overdue", acks_late=True, ignore_result=True)
def escalate_overdue() -> int:
    escalated = deadlines.escalate_overdue()
    if escalated:
        log.info("escalated %d overdue claim(s)", escalated)
    return escalated


@shared_task(name="verification.tasks.age_priorities", acks_late=True, ignore_result=True)
def age_priorities() -> int:
    return deadlines.age_priorities()


@shared_task(name="verification.tasks.reconcile", acks_late=True, ignore_result=True)
def reconcile() -> dict:
    return deadlines.reconcile()


@shared_task(name="verification.tasks.rereview_claim", acks_late=True, ignore_result=True)
def rereview_claim(claim_id: int, evidence_id: int) -> bool:
    reopened = deadlines.rereview(claim_id, evidence_id)
    log.info("re-review of claim %s for evidence %s: %s", claim_id, evidence_id,
             "reopened" if reopened else "nothing to do")
    return reopened
