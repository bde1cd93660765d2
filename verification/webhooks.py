"""Placeholder until webhook delivery lands (issue 5)."""

from celery import shared_task


@shared_task(name="verification.tasks.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    raise NotImplementedError
