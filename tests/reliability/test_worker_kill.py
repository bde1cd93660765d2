"""A Celery worker SIGKILLed in the middle of its tasks, 20 times (set
RELIABILITY_KILLS=100 for the long run): afterwards every follow-up
happened exactly once in effect.

On Redis (a private instance, solo pool, visibility timeout 2 s, as in
production) tasks are acknowledged late, so the message of a killed task
stays unacknowledged in Redis and comes back once the visibility timeout
has passed; the tasks are idempotent, so work done before the kill is not
done twice. On the embedded filesystem broker (`make run`) a killed task's
message is gone: there the periodic tasks and the reconciler, which read
the database, are what finish the work (half the kills, to stay quick).
Each run tests the broker it is configured with (CI: Redis with
PostgreSQL, the filesystem broker with SQLite).

Each round puts work in flight and kills the worker while it is provably
inside a task: a webhook request held open by the receiver, or a lease or
SLA scan that has done part of its claims. The test then checks, in the
database and at the receiver:

- every expired lease returned once (one `expired` event per claim),
- every overdue claim escalated once (one event, one notification per
  editor, at most one e-mail),
- every published verdict's track record recomputed,
- every webhook event received, every copy of it with the same webhook-id
  and the same signed body (a redelivery, never a new event),
- every claim's history replays to its row.
"""

import json
import re
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from standardwebhooks import Webhook

from sources.models import TrackRecord
from tests.reliability.kill_support import Rounds, SlowReceiver, kill_plan
from tests.reliability.replay import assert_history_replays
from tests.reliability.services import filesystem_broker, producer_on, wait_for_restore, wait_until
from tests.worker import CeleryWorker, unacked_on_redis
from verification.models import Claim, ClaimEvent, Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.webhooks.delivery import new_secret

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY = 2
RECEIVER_DELAY = 0.4
MID_TASK_TIMEOUT = 20
BEAT_SECONDS = 2  # how often the stand-in for beat sends the periodic tasks while the test polls


@dataclass
class Broker:
    """How a variant reaches its broker, and what stands in for beat."""

    name: str
    url: str
    env: dict
    options: dict | None

    def held(self) -> dict[str, float]:
        """The messages the broker holds unacknowledged (none on the filesystem broker)."""
        return unacked_on_redis(self.url) if self.name == "redis" else {}

    def after_kill(self, worker: CeleryWorker, held: dict[str, float]) -> None:
        """Start again at once; on Redis, since that was quicker than the
        visibility timeout, sweep as a live worker would until the messages
        the killed worker held are back in the queue (see wait_for_restore).
        The filesystem broker has nothing to restore."""
        worker._log.close()
        worker.start()
        if held:
            wait_for_restore(self.url, VISIBILITY, held)

    def beat(self, final: bool = False) -> None:
        from verification.tasks import escalate_overdue, expire_leases, reconcile, refresh_track_records

        reconcile.delay()  # every minute in production
        if self.name == "filesystem":  # nothing comes back by itself: the scans must run again
            expire_leases.delay()
            escalate_overdue.delay()
            if final:
                refresh_track_records.delay()  # daily in production: redoes recomputes the broker lost


@pytest.fixture
def broker(request, tmp_path):
    """The kind of broker this run is configured with, as a private copy: CI's
    PostgreSQL pass kills workers on Redis, its SQLite pass on the filesystem
    broker. Chosen here rather than parametrised, so neither pass skips a variant."""
    if settings.CELERY_BROKER_URL.startswith("redis"):
        server = request.getfixturevalue("private_redis")
        server.client().flushall()
        return Broker("redis", server.url, {"CELERY_BROKER_URL": server.url}, None)
    env, options = filesystem_broker(tmp_path / "broker")
    return Broker("filesystem", "filesystem://", env, options)


def settled(rounds: Rounds) -> bool:
    return (
        not WebhookDelivery.objects.filter(status="pending").exists()
        and not Claim.objects.filter(pk__in=rounds.leased, lease_owner__isnull=False).exists()
        and not Claim.objects.filter(pk__in=rounds.overdue, escalated_at__isnull=True).exists()
        and TrackRecord.objects.filter(source__attributions__claim_id__in=rounds.published).count()
        == len(rounds.published)
    )


def per_claim(kind: str, ids) -> Counter:
    return Counter(ClaimEvent.objects.filter(claim_id__in=ids, kind=kind).values_list("claim_id", flat=True))


def kill_rounds(worker, broker, rounds, receiver, kills) -> Counter:
    mid_task = Counter()
    for kind in kill_plan(kills):
        in_task = getattr(rounds, kind)(receiver)
        try:
            wait_until(in_task, MID_TASK_TIMEOUT, f"the worker to be inside a {kind} task", interval=0.005)
            mid_task[kind] += 1
        except AssertionError:
            mid_task["missed"] += 1  # killed anyway, between tasks
        worker.kill()
        broker.after_kill(worker, broker.held())
        broker.beat()
    return mid_task


def test_it_does_every_follow_up_exactly_once_however_often_the_worker_is_killed(
    tmp_path, broker, kills, figures, alice, bob, erin, frank
):
    kills = kills if broker.name == "redis" else max(3, kills // 2)
    rounds = Rounds({"alice": alice, "bob": bob, "erin": erin, "frank": frank})
    receiver = SlowReceiver(RECEIVER_DELAY)
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, secret=new_secret(), event_types=["claim.published"])
    worker = CeleryWorker(
        tmp_path / "worker.log",
        pool="solo",
        concurrency=1,
        extra_env={
            **broker.env,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "CLAIMDESK_WEBHOOK_TIMEOUT_SECONDS": "2",
            "CLAIMDESK_RECONCILE_GRACE_SECONDS": "1",
        },
    )
    started = time.monotonic()
    try:
        with producer_on(broker.url, VISIBILITY, broker.options):
            worker.start()
            mid_task = kill_rounds(worker, broker, rounds, receiver, kills)
            kill_seconds = time.monotonic() - started

            beats = [0.0]

            def done():
                if time.monotonic() - beats[-1] >= BEAT_SECONDS:
                    broker.beat(final=True)
                    beats.append(time.monotonic())
                return settled(rounds)

            wait_until(done, 90, lambda: f"every follow-up to be done\n{worker.log_tail()}", interval=0.2)
    finally:
        worker.stop()
        receiver.close()
    recovered_seconds = time.monotonic() - started - kill_seconds
    checked = assert_done_exactly_once(rounds, receiver, endpoint, worker, editors=(erin, frank))
    figures(
        f"worker_kill_{broker.name}",
        kills=kills,
        killed_inside_webhook_send=mid_task["webhook"],
        killed_inside_lease_scan=mid_task["lease"],
        killed_inside_sla_scan=mid_task["escalation"],
        killed_between_tasks=mid_task["missed"],
        kill_phase_seconds=round(kill_seconds, 1),
        recovery_seconds=round(recovered_seconds, 1),
        **checked,
    )


def assert_done_exactly_once(rounds, receiver, endpoint, worker, editors) -> dict:
    """The checks of the module docstring; the figures they count."""
    # Leases and escalations: once each.
    assert per_claim("expired", rounds.leased) == {pk: 1 for pk in rounds.leased}
    assert Claim.objects.filter(pk__in=rounds.leased, state="queued", lease_owner=None).count() == len(rounds.leased)
    assert per_claim("escalated", rounds.overdue) == {pk: 1 for pk in rounds.overdue}
    notified = Counter(Notification.objects.filter(kind="escalated").values_list("user_id", "claim_id"))
    assert notified == {(editor.pk, pk): 1 for editor in editors for pk in rounds.overdue}
    # The console mail backend writes each message to the worker's log: one per editor and breach.
    mails = Counter(
        re.findall(
            r"Subject: \[\w+\] Overdue: claim (\d+)\r?\nFrom: [^\n]*\r?\nTo: (\S+)",
            worker.log_path.read_text(errors="replace"),
        )
    )
    assert mails and all(n == 1 for n in mails.values()), f"an escalation e-mail went out twice: {mails}"

    # Track records: one per stated source of a published claim, counting its verdict.
    records = TrackRecord.objects.filter(source__attributions__claim_id__in=rounds.published)
    assert sorted(records.values_list("count", flat=True)) == [1] * len(rounds.published)

    # Webhooks: every event arrived; copies are redeliveries with the same id and signed body.
    events = {e.id: e for e in WebhookEvent.objects.filter(deliveries__endpoint=endpoint)}
    assert len(events) == len(rounds.published)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    copies = Counter()
    for headers, body in receiver.received:
        payload = Webhook(endpoint.secret).verify(body, headers)
        assert payload == events[headers["webhook-id"]].payload
        copies[headers["webhook-id"]] += 1
    assert set(copies) == set(events), "an event never reached the receiver"
    assert {json.loads(body)["data"]["id"] for _, body in receiver.received} == set(rounds.published)
    return {
        "leases_expired_once": len(rounds.leased),
        "claims_escalated_once": len(rounds.overdue),
        "escalation_emails": sum(mails.values()),
        "verdicts_recomputed": len(rounds.published),
        "webhook_events": len(events),
        "webhook_redeliveries_same_id": sum(copies.values()) - len(copies),
        "events_replayed": assert_history_replays(),
    }
