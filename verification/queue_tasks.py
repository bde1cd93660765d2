"""Placeholder until the review-queue tasks land (issue 4)."""

from celery import shared_task


@shared_task(name="verification.tasks.expire_leases", acks_late=True, ignore_result=True)
def expire_leases() -> None:
    raise NotImplementedError


@shared_task(name="verification.tasks.escalate_overdue", acks_late=True, ignore_result=True)
def escalate_overdue() -> None:
    raise NotImplementedError


@shared_task(name="verification.tasks.age_priorities", acks_late=True, ignore_result=True)
def age_priorities() -> None:
    raise NotImplementedError


@shared_task(name="verification.tasks.reconcile", acks_late=True, ignore_result=True)
def reconcile() -> None:
    raise NotImplementedError


@shared_task(name="verification.tasks.rereview_claim", acks_late=True, ignore_result=True)
def rereview_claim(claim_id: int, evidence_id: int) -> None:
    raise NotImplementedError
