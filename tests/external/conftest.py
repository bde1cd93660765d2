"""Fixtures for importing other fact-checkers' ClaimReviews: the fixture files,
a loopback server that serves them, and the fetcher tests' resolver and
connection guard (reused from tests/verification)."""

import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.verification.conftest import _Server, fake_dns, no_outside_connections  # noqa: F401  (fixtures)

FIXTURES = Path(__file__).parent / "fixtures"
TYPES = {".json": "application/json", ".jsonld": "application/ld+json", ".html": "text/html; charset=utf-8"}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class _FixtureHandler(BaseHTTPRequestHandler):
    """GET /<fixture file name> serves that file; /moved/<name> redirects to it."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append(self.path)
        if self.path.startswith("/moved/"):
            self.send_response(301)
            self.send_header("Location", self.path.removeprefix("/moved"))
            self.end_headers()
            return
        path = FIXTURES / self.path.lstrip("/")
        if "/" in self.path.lstrip("/") or not path.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def claimreview_server(settings):
    """http://127.0.0.1:<port>/<fixture> for each file in fixtures/; loopback fetching on."""
    settings.ALLOW_LOOPBACK_FETCH = True
    server = _Server(("127.0.0.1", 0), _FixtureHandler)
    server.seen = []
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
