"""Unsafe consumption of APIs (OWASP API10): what a webhook receiver answers
is untrusted input. A huge body, a redirect towards an inside address, an
answer that never ends, or an error page full of markup: each is read only
up to its cap, never followed, recorded as a short failure to retry, and
never counted as delivered.

The task body runs in this process against receivers on 127.0.0.1.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from verification.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.tasks import deliver_webhook
from verification.webhooks.delivery import ERROR_CHARS, new_secret

pytestmark = pytest.mark.django_db

HOSTILE = {
    "/huge": (200, {}, b"x" * (5 * 1024 * 1024)),
    "/redirect": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/markup": (500, {"Content-Type": "text/html"}, b"<script>alert(1)</script>" * 4000),
    "/slow": (200, {}, None),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, headers, body = HOSTILE[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if body is None:  # announce a body, then drip it
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the sender stopped reading, as it should


@pytest.fixture
def hostile():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", sorted(HOSTILE))
def test_it_never_counts_a_hostile_answer_as_delivered_and_keeps_only_a_short_note(path, hostile, settings, sent_tasks):
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    retries = sent_tasks
    endpoint = WebhookEndpoint.objects.create(url=hostile + path, secret=new_secret())
    event = WebhookEvent(type="claim.published", payload={"type": "claim.published", "data": {"id": 1}})
    event.save()
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event)
    started = time.monotonic()
    deliver_webhook.run(delivery.pk)
    took = time.monotonic() - started

    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1  # a failure, to be retried
    assert delivery.delivered_at is None and delivery.next_attempt_at is not None
    assert 0 < len(delivery.last_error) <= ERROR_CHARS
    assert "<script>" not in delivery.last_error
    assert [(name, args) for name, args, _ in retries] == [("verification.tasks.deliver_webhook", [delivery.pk])]
    assert took < settings.WEBHOOK_TIMEOUT_SECONDS + 3, f"{path} held the worker for {took:.1f}s"
