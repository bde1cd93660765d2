"""A URL captured for real, with its web archive, from a one-page HTTP server
on loopback that lives only as long as the capture: for tests outside
tests/evidence (the authorisation matrix) that need an archived snapshot."""

import threading
from http.server import BaseHTTPRequestHandler

from tests.verification.conftest import _Server
from verification.evidence.writes import add_evidence_url
from verification.models import Snapshot
from verification.tasks import capture_evidence

PAGE = b"<html><head><title>Archived</title></head><body><p>The bridge was closed on Monday.</p></body></html>"


class _OnePage(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def capture_from_loopback(user, claim) -> Snapshot:
    server = _Server(("127.0.0.1", 0), _OnePage)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        evidence = add_evidence_url(user, claim.pk, f"http://127.0.0.1:{server.server_port}/page", title="Archived")
        capture_evidence(evidence.pk)
    finally:
        server.shutdown()
        server.server_close()
    return Snapshot.objects.get(evidence=evidence)
