"""Helpers of the worker-kill test: a slow webhook receiver on loopback, and
the work each round puts in flight before the worker is killed."""

import socketserver
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from sources.models import Source
from verification.models import ClaimEvent
from verification.workflow import transitions
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        with server.lock:
            server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            server.in_flight += 1
        try:
            time.sleep(server.delay)  # the worker is mid-send all this time
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass  # the worker died while we answered
        finally:
            with server.lock:
                server.in_flight -= 1


class SlowReceiver(ThreadingHTTPServer):
    """Records every request on arrival, then answers 200 after ``delay``."""

    daemon_threads = True

    def __init__(self, delay: float):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay, self.lock, self.received, self.in_flight = delay, threading.Lock(), [], 0
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no reverse lookup of our own name
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hook"

    def busy(self) -> bool:
        with self.lock:
            return self.in_flight > 0

    def close(self):
        self.shutdown()
        self.server_close()


class Rounds:
    """What each kind of round puts in flight, and how to tell that the
    worker is in the middle of it. Every claim is made through the same
    actions the desk uses, so its history is complete."""

    LEASES = 30
    OVERDUE = 15
    PUBLISHED = 2

    def __init__(self, users: dict):
        self.users = users
        self.leased: list[int] = []
        self.overdue: list[int] = []
        self.published: list[int] = []
        self.n = 0

    def _claim(self, **extra) -> int:
        self.n += 1
        source = Source.objects.create(name=f"Spokesperson {self.n}", kind="person")
        data = ClaimInput(
            text=f"Kill-test claim {self.n}: the convoy crossed the border.",
            attributions=[AttributionInput(source=source, role="stated")],
            **extra,
        )
        return create_claim(None, data).pk

    def webhook(self, receiver):
        """Publish claims: each sign-off sends a webhook and a track-record recompute."""
        u = self.users
        for _ in range(self.PUBLISHED):
            pk = self._claim()
            transitions.reassign(u["frank"], pk, u["alice"])
            transitions.assess(u["alice"], pk, verdict="false", confidence=0.9, rationale="The footage is old.")
            transitions.sign_off(u["erin"], pk)
            self.published.append(pk)
        return receiver.busy

    def lease(self, receiver):
        """Leases that ran out, and the scan that returns them to the queue."""
        from verification.models import Claim
        from verification.tasks import expire_leases

        ids = [self._claim() for _ in range(self.LEASES)]
        for pk in ids:
            transitions.reassign(self.users["frank"], pk, self.users["bob"])
        # Time passes (no event: nobody did anything) and the leases run out.
        Claim.objects.filter(pk__in=ids).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
        self.leased += ids
        expire_leases.delay()
        return lambda: 0 < ClaimEvent.objects.filter(claim_id__in=ids, kind="expired").count() < len(ids)

    def escalation(self, receiver):
        """Claims past their due time, and the SLA scan that escalates them."""
        from verification.tasks import escalate_overdue

        past = timezone.now() - timedelta(minutes=5)
        ids = [self._claim(due_at=past) for _ in range(self.OVERDUE)]
        self.overdue += ids
        escalate_overdue.delay()
        return lambda: 0 < ClaimEvent.objects.filter(claim_id__in=ids, kind="escalated").count() < len(ids)


def kill_plan(kills: int) -> list[str]:
    """Webhook rounds first: a delivery cut off mid-send is in flight (its row
    leased) for timeout + 30 s, after which the reconciler sends it again,
    so the later rounds give those leases time to run out."""
    webhooks = max(1, kills // 3)
    rest = ["lease" if i % 2 == 0 else "escalation" for i in range(kills - webhooks)]
    return ["webhook"] * webhooks + rest
