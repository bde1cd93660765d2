"""Control work has a queue of its own: a deep backlog of slow webhook deliveries
does not delay lease expiry, which returns claims to the queue on time."""

import socketserver
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from tests.worker import CeleryWorker, wait_for
from verification.models import Claim, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.webhooks.delivery import new_secret

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BACKLOG = 40
RECEIVER_SECONDS = 1.0  # each delivery holds the bulk worker this long: a 40 s backlog


class SlowHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(RECEIVER_SECONDS)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class SlowReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no reverse lookup of the host name


@pytest.fixture
def slow_receiver():
    server = SlowReceiver(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_it_routes_the_periodic_control_tasks_to_the_control_queue():
    router = current_app.amqp.router
    for name in ("expire_leases", "escalate_overdue", "age_priorities", "reconcile", "rereview_claim"):
        assert router.route({}, f"verification.tasks.{name}")["queue"].name == settings.CELERY_CONTROL_QUEUE
    for name in ("deliver_webhook", "capture_evidence", "run_intake_batch"):
        assert router.route({}, f"verification.tasks.{name}")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


def test_it_returns_an_expired_lease_on_time_behind_a_deep_webhook_backlog(tmp_path, slow_receiver, alice, make_claim):
    queue = f"backlog-{uuid.uuid4().hex[:8]}"  # private queues: the session's worker must not help
    control = f"{queue}-control"
    env = {"CELERY_TASK_DEFAULT_QUEUE": queue}
    bulk = CeleryWorker(tmp_path / "bulk.log", extra_env=env, concurrency=1, queues=[queue])
    controller = CeleryWorker(tmp_path / "control.log", extra_env=env, concurrency=1, queues=[control])
    endpoint = WebhookEndpoint.objects.create(url=slow_receiver, secret=new_secret())
    deliveries = []
    for n in range(BACKLOG):
        event = WebhookEvent(type="claim.created", payload={"type": "claim.created", "data": {"n": n}})
        event.save()
        deliveries.append(
            WebhookDelivery.objects.create(endpoint=endpoint, event=event, next_attempt_at=timezone.now())
        )
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(
        state=Claim.State.IN_REVIEW, lease_owner=alice, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    try:
        bulk.start()
        controller.start()
        for delivery in deliveries:
            current_app.send_task("verification.tasks.deliver_webhook", args=[delivery.pk], queue=queue)
        wait_for(
            lambda: WebhookDelivery.objects.filter(status="delivered").exists(),
            timeout=30,
            message=f"the bulk worker to start on the backlog\n{bulk.log_tail()}",
        )
        sent_at = time.monotonic()
        current_app.send_task("verification.tasks.expire_leases", queue=control)  # what beat sends, as routed
        wait_for(
            lambda: Claim.objects.filter(pk=claim.pk, lease_owner__isnull=True).exists(),
            timeout=10,
            interval=0.05,
            message=f"the lease to return while the backlog drains\n{controller.log_tail()}",
        )
        returned_in = time.monotonic() - sent_at
        still_pending = WebhookDelivery.objects.filter(status="pending").count()
    finally:
        bulk.stop()
        controller.stop()
        with current_app.connection_for_write() as connection:
            for name in (queue, control):
                connection.default_channel.queue_purge(name)
    claim.refresh_from_db()
    assert claim.state == Claim.State.QUEUED and claim.lease_owner_id is None
    assert returned_in < 5, f"the lease came back {returned_in:.1f} s after the scan was sent"
    assert still_pending > BACKLOG // 2, "the backlog should still be draining when the lease came back"
