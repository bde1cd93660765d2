"""Webhook outbox: an event row is written in the same transaction as the
change it reports, with one delivery row per subscribed endpoint; delivery
tasks are enqueued only after commit, and the reconciler re-enqueues any
delivery the broker lost. A retry reuses the event id (webhook-id)."""

from django.utils import timezone

from verification import enqueue
from verification.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.status import rfc3339

EVENT_TYPES = (
    "claim.created",
    "claim.state_changed",
    "claim.published",
    "claim.reopened",
    "claim.corrected",
    "evidence.added",
    "evidence.media_reviewed",
    "source.graded",
)


def emit(event_type: str, data: dict) -> WebhookEvent | None:
    """Record an event for every active endpoint subscribed to it."""
    assert event_type in EVENT_TYPES, event_type
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(active=True).only("id", "event_types")
        if not e.event_types or event_type in e.event_types
    ]
    if not endpoints:
        return None
    now = timezone.now()
    event = WebhookEvent(type=event_type, payload={"type": event_type, "timestamp": rfc3339(now), "data": data})
    event.save()
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event, next_attempt_at=now) for e in endpoints]
    )
    ids = [d.id for d in deliveries if d.id is not None] or list(
        WebhookDelivery.objects.filter(event=event).values_list("id", flat=True)
    )
    for delivery_id in ids:
        enqueue.after_commit(enqueue.DELIVER_WEBHOOK, delivery_id)
    return event


def announce_grade(sender, *, source, grade, previous, actor, **kwargs) -> None:
    """Receiver of sources.signals.source_graded (connected in VerificationConfig.ready)."""
    emit(
        "source.graded",
        {
            "id": source.pk,
            "name": source.name,
            "grade": grade.grade,
            "previous_grade": previous,
            "rationale": grade.rationale,
            "graded_at": rfc3339(grade.graded_at),
        },
    )
