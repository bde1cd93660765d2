"""The delivery task's body, called in this process against a receiver on
loopback: claiming, idempotency, retries, giving up, redirects, send-time SSRF
checks. End to end with a real worker: test_webhooks_delivery.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from tests.api.webhook_support import fake_dns, make_endpoint, no_outside_connections, receiver  # noqa: F401
from verification.models import WebhookDelivery, WebhookEvent
from verification.tasks import deliver_webhook
from verification.webhooks import delivery as webhooks
from verification.webhooks.delivery import claim

pytestmark = pytest.mark.usefixtures("no_outside_connections")


@pytest.fixture
def scheduled(sent_tasks):
    """Retries the task sent with a countdown, as (delivery id, countdown): recorded at Celery's publish."""

    def retries():
        return [
            (args[0], options.get("countdown"))
            for name, args, options in sent_tasks
            if name == "verification.tasks.deliver_webhook"
        ]

    return retries


def pending_delivery(endpoint, **fields):
    event = WebhookEvent(
        type="claim.created",
        payload={"type": "claim.created", "timestamp": "2026-01-01T00:00:00Z", "data": {"id": 7, "state": "new"}},
    )
    event.save()
    return WebhookDelivery.objects.create(endpoint=endpoint, event=event, next_attempt_at=timezone.now(), **fields)


def make_due(delivery):
    """Skip the backoff wait, as if time had passed."""
    WebhookDelivery.objects.filter(id=delivery.id, status="pending").update(next_attempt_at=timezone.now())


def test_it_sends_a_signed_payload_and_marks_the_delivery_delivered(receiver, make_endpoint, scheduled):
    endpoint = make_endpoint(receiver.url())
    delivery = pending_delivery(endpoint)
    deliver_webhook(delivery.id)
    [got] = receiver.requests()
    payload = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert payload == delivery.event.payload
    assert got.headers["webhook-id"] == delivery.event_id
    assert got.headers["content-type"] == "application/json"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    assert scheduled() == []


def test_it_never_sends_a_delivered_row_again(receiver, make_endpoint, scheduled):
    delivery = pending_delivery(make_endpoint(receiver.url()))
    deliver_webhook(delivery.id)
    deliver_webhook(delivery.id)  # a late duplicate of the same task
    assert len(receiver.requests()) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_it_lets_only_one_of_two_tasks_claim_the_same_attempt(make_endpoint):
    delivery = pending_delivery(make_endpoint("http://127.0.0.1:9/hook"))
    first, second = claim(delivery.id), claim(delivery.id)
    assert first is not None and first.number == 1
    assert second is None  # the row is in flight: its next_attempt_at is the in-flight lease
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now() + timedelta(seconds=10)


def test_it_leaves_a_row_whose_retry_is_not_due_yet(receiver, make_endpoint):
    delivery = pending_delivery(make_endpoint(receiver.url()))
    WebhookDelivery.objects.filter(id=delivery.id).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    deliver_webhook(delivery.id)
    assert receiver.requests() == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_it_records_a_500_and_schedules_a_retry_with_backoff(receiver, make_endpoint, scheduled):
    receiver.answer(500, reason="Internal Server Error " + "x" * 2000)
    delivery = pending_delivery(make_endpoint(receiver.url()))
    before = timezone.now()
    deliver_webhook(delivery.id)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert "500" in delivery.last_error and len(delivery.last_error) <= webhooks.ERROR_CHARS
    [(delivery_id, delay)] = scheduled()
    assert delivery_id == delivery.id and 0.5 <= delay <= 1  # base 1 s in tests, equal jitter
    assert before + timedelta(seconds=0.5) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=1)


def test_it_retries_with_the_same_webhook_id_and_a_fresh_signature(receiver, make_endpoint, scheduled):
    receiver.answer(503)
    endpoint = make_endpoint(receiver.url())
    delivery = pending_delivery(endpoint)
    deliver_webhook(delivery.id)
    make_due(delivery)
    deliver_webhook(delivery.id)
    first, second = receiver.requests()
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert Webhook(endpoint.secret).verify(second.body, second.headers) == delivery.event.payload
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        2,
        200,
        "",
    )


def test_it_gives_up_after_the_last_attempt(receiver, make_endpoint, scheduled, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answer(500, 502)
    delivery = pending_delivery(make_endpoint(receiver.url()))
    deliver_webhook(delivery.id)
    make_due(delivery)
    deliver_webhook(delivery.id)
    make_due(delivery)
    deliver_webhook(delivery.id)  # nothing left to try
    assert len(receiver.requests()) == 2
    assert len(scheduled()) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 2, 502)
    assert delivery.next_attempt_at is None


def test_it_does_not_follow_a_redirect(receiver, make_endpoint, scheduled):
    receiver.answer(307, headers=[("Location", receiver.url("/elsewhere"))])
    delivery = pending_delivery(make_endpoint(receiver.url()))
    deliver_webhook(delivery.id)
    assert [r.path for r in receiver.requests()] == ["/hook"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "never follow redirects" in delivery.last_error


def test_it_refuses_loopback_at_send_time_when_the_setting_is_off(receiver, make_endpoint, scheduled, settings):
    delivery = pending_delivery(make_endpoint(receiver.url()))
    settings.ALLOW_LOOPBACK_FETCH = False
    deliver_webhook(delivery.id)
    assert receiver.requests() == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "Not sent: refused: address not allowed. Change the endpoint URL."
    assert scheduled() == []


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://10.0.0.1/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://hooks.example.org/in", "private"),
    ],
)
def test_it_refuses_an_unsafe_target_at_send_time_without_connecting(
    url, kind, make_endpoint, scheduled, fake_dns, caplog
):
    fake_dns["hooks.example.org"] = ["192.168.1.20"]  # a public name that now resolves inside
    delivery = pending_delivery(make_endpoint(url))  # saved before the check, or DNS changed since
    deliver_webhook(delivery.id)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, None)
    assert "address not allowed" in delivery.last_error and kind not in delivery.last_error
    assert any(kind in record.getMessage() for record in caplog.records)  # the detail is for the admins' log


def test_it_marks_a_delivery_to_a_disabled_endpoint_failed_without_sending(receiver, make_endpoint, scheduled):
    delivery = pending_delivery(make_endpoint(receiver.url(), active=False))
    deliver_webhook(delivery.id)
    assert receiver.requests() == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 0)
    assert "disabled" in delivery.last_error


def test_it_returns_quietly_when_the_delivery_is_gone(receiver, make_endpoint, scheduled):
    other = pending_delivery(make_endpoint(receiver.url()))
    before = WebhookDelivery.objects.values().get(id=other.id)
    deliver_webhook(987654)  # its endpoint was deleted after the task was queued
    assert receiver.requests() == []
    assert scheduled() == []
    # Nothing written: the one delivery left is untouched, and no event or delivery appeared.
    assert list(WebhookDelivery.objects.values()) == [before]
    assert list(WebhookEvent.objects.values_list("id", flat=True)) == [other.event_id]


def test_it_grows_the_backoff_with_jitter_and_caps_it(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 5, 600
    delays = {n: [webhooks.backoff_seconds(n) for _ in range(50)] for n in (1, 2, 3, 6)}
    assert all(2.5 <= d <= 5 for d in delays[1]) and all(10 <= d <= 20 for d in delays[2])
    assert all(40 <= d <= 80 for d in delays[3]) and all(300 <= d <= 600 for d in delays[6])
    assert len(set(delays[3])) > 1  # jittered


def test_it_never_counts_down_past_the_visibility_timeout(settings, scheduled):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    webhooks._schedule(1, 500)
    webhooks._schedule(2, 7200)  # Redis would hand it to a second worker after 600 s: the reconciler sends it
    assert scheduled() == [(1, 500)]


def test_it_leaves_a_long_wait_in_the_row_for_the_reconciler(receiver, make_endpoint, settings, sent_tasks):
    from verification.workflow.deadlines import reconcile

    sent = sent_tasks
    settings.WEBHOOK_RETRY_BASE_SECONDS = 3 * 3600
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    receiver.answer(500)
    delivery = pending_delivery(make_endpoint(receiver.url()))
    deliver_webhook(delivery.id)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(hours=1)
    assert sent == []  # no countdown the broker could not hold
    reconcile(now=delivery.next_attempt_at + timedelta(seconds=settings.RECONCILE_GRACE_SECONDS + 1))
    assert ("verification.tasks.deliver_webhook", [delivery.id], {"expires": settings.RECONCILE_SECONDS}) in sent
