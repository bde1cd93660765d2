"""Fixtures for the webhook tests: a receiver on 127.0.0.1, endpoints pointing
at it, and a guard that fails a test trying to connect beyond loopback.

Test modules import the fixtures they use by name."""

import socket
import socketserver
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict  # names lower-cased
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, reason, headers = self.server.script.pop(0) if self.server.script else (200, None, ())
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class Receiver(ThreadingHTTPServer):
    """Answers each POST with the next scripted (status, reason, headers), then 200."""

    daemon_threads = True

    def server_bind(self):
        # Skip HTTPServer's getfqdn(): a reverse lookup we neither need nor allow.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server_port}{path}"

    def answer(self, *statuses, reason=None, headers=()):
        with self.lock:
            self.script.extend((status, reason, headers) for status in statuses)

    def requests(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@pytest.fixture
def receiver():
    server = Receiver(("127.0.0.1", 0), _Handler)
    server.lock, server.received, server.script = threading.Lock(), [], []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_endpoint(db):
    """An endpoint saved directly, as if it had passed the create-time check."""
    from verification.models import WebhookEndpoint
    from verification.webhooks.delivery import new_secret

    def _make(url, event_types=(), **extra):
        return WebhookEndpoint.objects.create(url=url, secret=new_secret(), event_types=list(event_types), **extra)

    return _make


from tests.netguard import ConnectionLog, no_outside_connections  # noqa: E402,F401  (shared fixture)


@pytest.fixture
def fake_dns(monkeypatch):
    """name -> list of IPs; names not listed must be IP literals (no real DNS)."""
    names: dict[str, list[str]] = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        host = host.decode() if isinstance(host, bytes) else host
        if host not in names:
            return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, int(port or 0), 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, int(port or 0)))
            for ip in names[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


# --- API clients ----------------------------------------------------------------------


def key_for(scope, user=None, **extra):
    """A raw API key of this scope; review and admin keys act as `user`."""
    from verification.api.keys import create_key

    _key, raw = create_key(f"{scope} key", scope, user=user, **extra)
    return raw


def bearer(raw_key):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def admin_api(adam):
    """A client with an admin key acting as adam, the admin persona."""
    return bearer(key_for("admin", user=adam))
