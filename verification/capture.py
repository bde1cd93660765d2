"""Placeholder until the evidence-capture work lands (issue 6)."""

from celery import shared_task


@shared_task(name="verification.tasks.capture_evidence", acks_late=True, ignore_result=True)
def capture_evidence(evidence_id: int) -> None:
    raise NotImplementedError


@shared_task(name="verification.tasks.reverify_stored_files", acks_late=True, ignore_result=True)
def reverify_stored_files() -> None:
    raise NotImplementedError
