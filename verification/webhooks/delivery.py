"""Webhook delivery, signed as Standard Webhooks says (https://www.standardwebhooks.com).

The outbox (verification/webhooks/outbox.py) writes one WebhookEvent and one
WebhookDelivery per subscribed endpoint in the transaction of the change, and
enqueues the `deliver_webhook` task after commit. This module sends them:

- Each request carries `webhook-id` (the event id, the same on every retry and
  redelivery, so receivers can drop duplicates), `webhook-timestamp` and
  `webhook-signature` (HMAC-SHA256 over "id.timestamp.body" with the endpoint's
  `whsec_` secret). The body is the event payload `{"type", "timestamp", "data"}`.
- A task claims an attempt with a conditional UPDATE (status pending, the
  attempts it read, due now) and checks that one row changed, so a late or
  duplicate task never sends a delivered row again, and two never send at once.
- Failures are retried with exponential backoff and jitter up to
  WEBHOOK_MAX_ATTEMPTS. The next attempt time lives in the row; a countdown is
  only used when it is shorter than the broker's visibility timeout; the
  reconciler (verification/workflow/deadlines.py) re-sends pending rows whose time
  has passed: longer waits, tasks the broker lost, workers that died mid-send.
- The target URL is checked against SSRF when an endpoint is saved
  (`check_target`) and again on every send: `fetching.fetch` re-checks the URL
  and pins the connection to an address it approved. Redirects are not followed.
"""

import base64
import json
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from standardwebhooks import Webhook

from sources.errors import Refused
from verification import enqueue
from verification.evidence.fetching import (
    FetchError,
    FetchFailed,
    FetchPolicy,
    FetchTooLarge,
    UnsafeURL,
    check_url,
    fetch,
)
from verification.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.status import rfc3339

logger = logging.getLogger(__name__)

PING = "webhook.ping"
SECRET_PREFIX = "whsec_"
ERROR_CHARS = 500  # last_error is for people; the receiver's words are untrusted, so keep them short
MAX_RESPONSE_BYTES = 64 * 1024  # a receiver has no reason to answer with more
BACKOFF_FACTOR = 4  # 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h with the defaults
DUE_TOLERANCE = timedelta(seconds=2)  # a countdown may fire a little before the stored time
Status = WebhookDelivery.Status


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def fetch_policy() -> FetchPolicy:
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    return FetchPolicy(
        max_redirects=0,  # a redirect is a failure: the receiver must fix its URL
        max_bytes=MAX_RESPONSE_BYTES,
        max_memory_bytes=MAX_RESPONSE_BYTES,
        connect_timeout=min(5, timeout),
        read_timeout=timeout,
        total_timeout=timeout,
        allow_loopback=settings.ALLOW_LOOPBACK_FETCH,
        user_agent="Claimdesk-Webhooks/1.0 (+https://www.standardwebhooks.com)",
    )


def check_target(url: str) -> str | None:
    """Why `url` may not receive webhooks (SSRF: loopback, private, link-local,
    metadata addresses...), or None if it may. Resolves the name; never connects."""
    try:
        check_url(url, fetch_policy())
    except FetchError as exc:
        return exc.reason.removeprefix("refused: ")
    return None


# --- The task -------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    number: int  # 1 for the first attempt
    url: str
    secret: str
    event_id: str
    payload: dict


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str = ""
    final: bool = False  # retrying cannot help (the target is refused)


def deliver(delivery_id: int) -> None:
    """Make one attempt at a delivery, if it is still pending and due.

    1. Claim the attempt (conditional UPDATE); return quietly if another task
       has it, it was delivered or failed, or it is not due yet.
    2. Sign and POST the event payload.
    3. Record the outcome and schedule the next attempt or give up.
    """
    attempt = claim(delivery_id)
    if attempt is None:
        return
    outcome = send(attempt)
    record(attempt, outcome)


# The common case in one round trip on PostgreSQL: claim a due, pending attempt
# whose endpoint is active, and read what sending needs. A separate read and
# write made commit-to-webhook ~2.5x a bare Celery round trip, this ~1.8x
# (bench/task_latency.py).
_CLAIM_SQL = """
UPDATE verification_webhookdelivery AS d SET attempts = d.attempts + 1, next_attempt_at = %(lease)s
FROM verification_webhookendpoint AS e, verification_webhookevent AS ev
WHERE d.id = %(id)s AND d.status = %(pending)s AND e.id = d.endpoint_id AND ev.id = d.event_id AND e.active
  AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= %(due)s)
RETURNING d.attempts, e.url, e.secret, ev.id, ev.payload::text
"""


def _claim_in_one_statement(delivery_id: int, now: datetime, lease: datetime) -> Attempt | None:
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL, {"lease": lease, "id": delivery_id, "pending": Status.PENDING, "due": now + DUE_TOLERANCE}
        )
        row = cursor.fetchone()
    if row is None:
        return None
    attempts, url, secret, event_id, payload = row
    return Attempt(delivery_id, attempts, url, secret, event_id, json.loads(payload))


def claim(delivery_id: int, now: datetime | None = None) -> Attempt | None:
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        attempt = _claim_in_one_statement(delivery_id, now, _in_flight_until(now))
        if attempt is not None:
            return attempt
        # Not claimable: the steps below say why (and settle a disabled endpoint's row).
    row = WebhookDelivery.objects.select_related("endpoint", "event").filter(id=delivery_id).first()
    if row is None or row.status != Status.PENDING:
        return None  # deleted with its endpoint, or already settled
    if row.next_attempt_at and row.next_attempt_at > now + DUE_TOLERANCE:
        return None  # in flight elsewhere, or waiting for its backoff: not ours to send
    if not row.endpoint.active:
        _settle(
            row.id,
            row.attempts,
            status=Status.FAILED,
            last_error="Not sent: the endpoint is disabled. Enable it, then redeliver.",
        )
        return None
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + DUE_TOLERANCE),
        id=row.id,
        status=Status.PENDING,
        attempts=row.attempts,
    ).update(attempts=F("attempts") + 1, next_attempt_at=_in_flight_until(now))
    if claimed != 1:
        return None
    return Attempt(row.id, row.attempts + 1, row.endpoint.url, row.endpoint.secret, row.event_id, row.event.payload)


def _in_flight_until(now: datetime) -> datetime:
    """The in-flight lease keeps the reconciler and duplicate tasks off a row
    while we send; if this worker dies, the row is due again when it ends."""
    return now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def signed_request(attempt: Attempt, at: datetime | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt, signed with a fresh timestamp."""
    seconds = int((at or timezone.now()).timestamp())
    body = json.dumps(attempt.payload, separators=(",", ":"), ensure_ascii=False)
    signature = Webhook(attempt.secret).sign(attempt.event_id, datetime.fromtimestamp(seconds, UTC), body)
    return body.encode(), {
        "Content-Type": "application/json",
        "webhook-id": attempt.event_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": signature,
    }


def send(attempt: Attempt) -> Outcome:
    body, headers = signed_request(attempt)
    try:
        # fetch() checks the URL and every address again, pins the connection
        # to an approved IP (no DNS rebinding between check and connect), caps
        # time and response size, and with max_redirects=0 follows nothing.
        result = fetch(attempt.url, fetch_policy(), method="POST", data=body, headers=headers)
    except UnsafeURL as exc:
        return Outcome(False, error=f"Not sent: {exc.reason}. Change the endpoint URL.", final=True)
    except FetchFailed as exc:
        hint = "; webhooks never follow redirects: register the final URL" if "redirect" in exc.reason else ""
        return Outcome(False, status_code=exc.status_code, error=exc.reason + hint)
    except FetchTooLarge:
        return Outcome(
            False, error=f"The receiver's response was over {MAX_RESPONSE_BYTES} bytes; answer 2xx with a short body."
        )
    except Exception as exc:
        logger.exception("Webhook delivery %s failed unexpectedly", attempt.delivery_id)
        return Outcome(False, error=f"Internal error while sending ({type(exc).__name__}); it will be retried.")
    if 200 <= result.status_code < 300:
        return Outcome(True, status_code=result.status_code)
    return Outcome(
        False,
        status_code=result.status_code,
        error=f"The receiver answered {result.status_code}; only 2xx counts as delivered.",
    )


def record(attempt: Attempt, outcome: Outcome, now: datetime | None = None) -> None:
    now = now or timezone.now()
    fields = {"last_status_code": outcome.status_code, "last_error": outcome.error[:ERROR_CHARS]}
    if outcome.delivered:
        _settle(attempt.delivery_id, attempt.number, status=Status.DELIVERED, delivered_at=now, **fields)
        return
    if outcome.final or attempt.number >= settings.WEBHOOK_MAX_ATTEMPTS:
        _settle(attempt.delivery_id, attempt.number, status=Status.FAILED, **fields)
        logger.warning(
            "Webhook delivery %s failed after %s attempts: %s", attempt.delivery_id, attempt.number, outcome.error
        )
        return
    delay = backoff_seconds(attempt.number)
    if _settle(attempt.delivery_id, attempt.number, next_attempt_at=now + timedelta(seconds=delay), **fields):
        _schedule(attempt.delivery_id, delay)


def _settle(delivery_id: int, attempts: int, **fields) -> bool:
    """Write an outcome, only if the row is still the pending attempt we read."""
    fields.setdefault("next_attempt_at", None)
    return (
        WebhookDelivery.objects.filter(id=delivery_id, status=Status.PENDING, attempts=attempts).update(**fields) == 1
    )


def backoff_seconds(attempts_made: int) -> float:
    """Exponential, capped, with "equal jitter": half fixed, half random, so
    retries of many deliveries after an outage spread out without ever
    coming sooner than half the nominal delay."""
    nominal = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * BACKOFF_FACTOR ** (attempts_made - 1)
    )
    return nominal / 2 + random.uniform(0, nominal / 2)


def countdown_cap() -> int:
    """The longest countdown the broker can hold: past its visibility timeout
    Redis hands an unacknowledged task to another worker, a duplicate."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(1, visibility - 60)


def _schedule(delivery_id: int, delay: float) -> None:
    if delay <= countdown_cap():
        enqueue.send(enqueue.DELIVER_WEBHOOK, delivery_id, countdown=delay)
    # else: the reconciler (deadlines.reconcile) sends it once next_attempt_at has passed.


# --- Admin actions: ping and redelivery ----------------------------------------------


class NotRedeliverable(Refused):
    """The delivery is still pending: it is queued or being attempted."""

    code = "not_redeliverable"


def ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a test event to this endpoint only (not through the outbox's fan-out)."""
    now = timezone.now()
    data = {"endpoint_id": endpoint.id, "url": endpoint.url}
    with transaction.atomic():
        event = WebhookEvent(type=PING, payload={"type": PING, "timestamp": rfc3339(now), "data": data})
        event.save()
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, next_attempt_at=now)
        enqueue.after_commit(enqueue.DELIVER_WEBHOOK, delivery.id)
    return delivery


def redeliver(delivery_id: int) -> WebhookDelivery:
    """Queue a settled delivery again, with the same event id (webhook-id), so
    receivers that already processed it can drop it. Attempts count afresh.
    Raises WebhookDelivery.DoesNotExist or NotRedeliverable."""
    with transaction.atomic():
        requeued = WebhookDelivery.objects.filter(id=delivery_id, status__in=[Status.DELIVERED, Status.FAILED]).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), delivered_at=None
        )
        delivery = WebhookDelivery.objects.select_related("event").get(id=delivery_id)
        if not requeued:
            raise NotRedeliverable(
                gettext(
                    "Delivery %(delivery_id)s is still pending (attempt %(delivery_attempts)s of "
                    "%(settings_webhook_max_attempts)s); redeliver it once it has succeeded or failed."
                )
                % {
                    "delivery_id": delivery_id,
                    "delivery_attempts": delivery.attempts,
                    "settings_webhook_max_attempts": settings.WEBHOOK_MAX_ATTEMPTS,
                }
            )
        enqueue.after_commit(enqueue.DELIVER_WEBHOOK, delivery_id)
    return delivery
