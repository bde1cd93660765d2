"""Webhook delivery end to end: a claim change writes the outbox row, a real
Celery worker signs and POSTs it to a receiver on 127.0.0.1, and the delivery
log shows the outcome."""

import pytest
from standardwebhooks import Webhook

from tests.api.webhook_support import make_endpoint, no_outside_connections, receiver  # noqa: F401
from tests.worker import wait_for
from verification.models import WebhookDelivery

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "no_outside_connections"),
]


def test_it_delivers_a_signed_claim_event_through_a_real_worker(receiver, make_endpoint, make_claim):
    endpoint = make_endpoint(receiver.url(), event_types=["claim.created"])
    claim = make_claim(text="The river rose four metres overnight.")
    [got] = wait_for(receiver.requests, timeout=30, message="the webhook to arrive")
    payload = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert payload["type"] == "claim.created"
    assert payload["data"]["id"] == claim.id and payload["data"]["state"] == claim.state
    assert set(payload["data"]) == {"id", "state", "verdict", "confidence", "updated_at", "url"}
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").first(),
        message="the delivery to be marked delivered",
    )
    assert got.headers["webhook-id"] == delivery.event_id
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 200, "")


def test_it_retries_after_a_500_with_the_same_webhook_id(receiver, make_endpoint, make_claim):
    receiver.answer(500)
    endpoint = make_endpoint(receiver.url())
    make_claim(text="Bread prices doubled in a year.")
    first, second = wait_for(
        lambda: len(receiver.requests()) >= 2 and receiver.requests(), timeout=30, message="the retry after the 500"
    )
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert Webhook(endpoint.secret).verify(second.body, second.headers)["type"] == "claim.created"
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").first(),
        message="the retried delivery to be marked delivered",
    )
    assert delivery.event_id == first.headers["webhook-id"]
    assert (delivery.attempts, delivery.last_status_code) == (2, 200)
    assert len(receiver.requests()) == 2
