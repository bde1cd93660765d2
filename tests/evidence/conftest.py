"""Fixtures for evidence intake: the fetcher's loopback server, resolver and
connection guard (reused from tests/verification), private media storage,
and a loopback server route for oversized bodies. Helpers: evidence_support.py."""

import threading

import pytest

from tests.verification.conftest import (  # noqa: F401  (fixtures, re-exported)
    _Handler,
    _Server,
    fake_dns,
    loopback_http_server,
    no_outside_connections,
)


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored files of this test only, so tests never see each other's bytes."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    return tmp_path


class _EvidenceHandler(_Handler):
    """The fetcher tests' routes, plus a body just over a given size, sent with
    no Content-Length, so the cap must stop the stream itself."""

    def do_GET(self):
        if self.path.startswith("/bytes/"):
            self.server.seen.append((self.command, self.path, self.headers.get("Host")))
            size = int(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            chunk = b"\0" * 65536
            try:
                while size > 0:
                    self.wfile.write(chunk[:size])
                    size -= len(chunk)
            except OSError:
                pass  # the client stopped reading at its cap, as it should
            return
        super().do_GET()


@pytest.fixture
def evidence_http_server():
    """Like loopback_http_server (127.0.0.1, ephemeral port), with /bytes/<n>."""
    server = _Server(("127.0.0.1", 0), _EvidenceHandler)
    server.seen, server.stop = [], threading.Event()
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()
