"""Redis loses every queued message (FLUSHALL, or a restart of a Redis that
keeps nothing on disk) while work is enqueued and not yet run.

The database is the source of truth: the reconciler (sent here as beat
would send it) finds the webhook deliveries, evidence captures and
re-reviews still pending and sends them again; expired leases it returns
itself. Everything gets done, once, and a fresh batch of work flows again,
all within 60 seconds of the loss. In the restart case Redis is restarted a
second time under a running worker, which reconnects, or exits and is
started again as a process supervisor would (see ``supervise``): either way
the fresh work is done in time and nothing is lost.

A private redis-server on a spare loopback port is used; the shared one is
never touched.
"""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.reliability.kill_support import SlowReceiver
from tests.reliability.replay import assert_history_replays
from tests.reliability.services import producer_on, wait_until
from tests.worker import CeleryWorker
from verification.evidence import writes as evidence
from verification.models import Claim, ClaimEvent, Evidence, WebhookDelivery, WebhookEndpoint
from verification.webhooks.delivery import new_secret
from verification.workflow import transitions
from verification.workflow.claims import ClaimInput, create_claim

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECOVERY_LIMIT = 60
PUBLISHED, CAPTURES, REREVIEWS, LEASES = 6, 4, 3, 5


class _Page(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = f"<html><title>Report</title><body>{self.path}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Desk:
    """Work made through the desk's own actions; its follow-ups go to the broker."""

    def __init__(self, users, page_port: int):
        self.u, self.page_port, self.n = users, page_port, 0

    def claim(self) -> int:
        self.n += 1
        return create_claim(None, ClaimInput(text=f"Redis-loss claim {self.n}: the dam was breached.")).pk

    def publish(self) -> int:
        pk = self.claim()
        transitions.reassign(self.u["frank"], pk, self.u["alice"])
        transitions.assess(self.u["alice"], pk, verdict="false", confidence=0.8, rationale="Old photo.")
        transitions.sign_off(self.u["erin"], pk)
        return pk

    def backlog(self) -> dict:
        published = [self.publish() for _ in range(PUBLISHED)]
        captures = [
            evidence.add_evidence_url(self.u["alice"], self.claim(), f"http://127.0.0.1:{self.page_port}/report/{i}").pk
            for i in range(CAPTURES)
        ]
        rereviews = [
            evidence.add_evidence_note(self.u["alice"], pk, f"New witness {pk}").pk for pk in published[:REREVIEWS]
        ]
        leased = [self.claim() for _ in range(LEASES)]
        for pk in leased:
            transitions.reassign(self.u["frank"], pk, self.u["bob"])
        Claim.objects.filter(pk__in=leased).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
        return {"published": published, "captures": captures, "rereviews": rereviews, "leased": leased}


def all_done(work: dict) -> bool:
    return (
        not WebhookDelivery.objects.exclude(status="delivered").exists()
        and not Evidence.objects.filter(pk__in=work["captures"]).exclude(capture_status="captured").exists()
        and Claim.objects.filter(pk__in=work["published"][:REREVIEWS], state="reopened").count() == REREVIEWS
        and not Claim.objects.filter(pk__in=work["leased"], lease_owner__isnull=False).exists()
    )


def supervise(worker: CeleryWorker, restarted: list) -> None:
    """What systemd's Restart=always (or any process supervisor) does. With
    kombu 5.7, a worker whose Redis connection drops while it holds
    unacknowledged messages can exit ("Unrecoverable error: AttributeError
    ... 'hostname'" while closing the dead channel); its messages stay in
    Redis's unacked set and come back, so nothing is lost once it runs again."""
    if worker.process.poll() is not None:
        worker._log.close()
        worker.start()
        restarted.append(time.monotonic())


def answers_ping(app) -> list:
    """The workers' replies to a ping, over a new connection: a pooled one may
    still point at the Redis that was just killed."""
    with app.connection_for_write() as connection:
        return app.control.ping(timeout=0.2, connection=connection)


@pytest.mark.parametrize("loss", ["flushall", "restart"])
def test_it_redoes_all_lost_work_from_the_database_within_a_minute(
    loss, tmp_path, private_redis, figures, alice, bob, erin, frank
):
    receiver = SlowReceiver(delay=0)
    page = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=page.serve_forever, args=(0.05,), daemon=True).start()
    endpoint = WebhookEndpoint.objects.create(
        url=receiver.url, secret=new_secret(), event_types=["claim.published", "claim.reopened"]
    )
    desk = Desk({"alice": alice, "bob": bob, "erin": erin, "frank": frank}, page.server_address[1])
    private_redis.client().flushall()
    restarts_before, restarted = private_redis.restarts, []
    worker = CeleryWorker(
        tmp_path / "worker.log",
        pool="threads",
        concurrency=2,
        extra_env={"CELERY_BROKER_URL": private_redis.url, "CLAIMDESK_RECONCILE_GRACE_SECONDS": "1"},
    )
    try:
        with producer_on(private_redis.url) as app:
            from verification.tasks import reconcile

            work = desk.backlog()  # the worker is not running: all of it waits in Redis
            queued = private_redis.client().llen("celery")
            assert queued >= PUBLISHED + CAPTURES + REREVIEWS
            lost_at = time.monotonic()
            if loss == "flushall":
                private_redis.client().flushall()
            else:
                private_redis.restart()
            assert private_redis.client().dbsize() == 0
            worker.start()
            # A running worker on the emptied broker, and nothing to do: the broker really lost it all.
            wait_until(
                lambda: answers_ping(app),
                10,
                lambda: f"the restarted worker to answer a ping through the emptied Redis\n{worker.log_tail()}",
                interval=0.1,
            )
            redis = private_redis.client()
            assert not [k for k in redis.scan_iter() if redis.type(k) == b"list" and redis.llen(k)], "a queue kept work"
            assert WebhookDelivery.objects.filter(status="pending").count() == PUBLISHED
            assert Evidence.objects.filter(pk__in=work["captures"], capture_status="pending").count() == CAPTURES

            reconciled = [0.0]

            def recovered():
                if time.monotonic() - reconciled[-1] >= 1:  # beat sends it every CLAIMDESK_RECONCILE_SECONDS
                    reconcile.delay()
                    reconciled.append(time.monotonic())
                return all_done(work)

            wait_until(
                recovered, RECOVERY_LIMIT, lambda: f"the lost work to be redone\n{worker.log_tail()}", interval=0.2
            )
            recovered_in = time.monotonic() - lost_at
            if loss == "restart":
                private_redis.restart()  # again, under the running worker: it must reconnect
            fresh = [desk.publish() for _ in range(3)]  # no reconciler from here: the broker path alone

            def flowing():
                supervise(worker, restarted)
                return WebhookDelivery.objects.filter(status="delivered").count() == WebhookDelivery.objects.count()

            wait_until(
                flowing,
                RECOVERY_LIMIT - recovered_in,
                lambda: f"fresh work to flow again\n{worker.log_tail()}",
                interval=0.2,
            )
            flowing_in = time.monotonic() - lost_at
    finally:
        worker.stop()
        receiver.close()
        page.shutdown()

    assert flowing_in <= RECOVERY_LIMIT
    reopened = ClaimEvent.objects.filter(claim_id__in=work["published"], kind="reopened")
    assert sorted(reopened.values_list("claim_id", flat=True)) == sorted(work["published"][:REREVIEWS])  # once each
    assert ClaimEvent.objects.filter(claim_id__in=work["leased"], kind="expired").count() == LEASES
    assert set(Evidence.objects.filter(pk__in=work["captures"]).values_list("capture_status", flat=True)) == {
        "captured"
    }
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    events = set(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event_id", flat=True))
    assert set(ids) == events and len(events) == PUBLISHED + REREVIEWS + len(fresh)
    events_checked = assert_history_replays()
    figures(
        f"redis_{loss}",
        messages_lost=queued,
        webhooks_redone=PUBLISHED,
        captures_redone=CAPTURES,
        rereviews_redone=REREVIEWS,
        leases_returned=LEASES,
        recovered_seconds=round(recovered_in, 1),
        fresh_work_flowing_seconds=round(flowing_in, 1),
        redis_restarts=private_redis.restarts - restarts_before,
        worker_restarted_by_supervisor=len(restarted),
        events_replayed=events_checked,
    )
