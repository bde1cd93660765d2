"""Fixtures for the fetcher tests: a loopback HTTP server, a fake resolver and a
guard that fails the test if anything tries to connect beyond loopback."""

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

PAGE = b"<!DOCTYPE html><html><body><p>The minister said 3%.</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
BIG = b"x" * 5000


from tests.netguard import ConnectionLog, no_outside_connections  # noqa: E402,F401  (shared fixture)


class FakeDNS(dict):
    """name -> list of answers, one list of IPs per lookup; the last repeats."""

    def __init__(self):
        super().__init__()
        self.lookups: list[str] = []


@pytest.fixture
def fake_dns(monkeypatch):
    """No real DNS: names must be listed here; IP literals resolve as usual."""
    dns = FakeDNS()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        host = host.decode() if isinstance(host, bytes) else host
        if host not in dns:
            # AI_NUMERICHOST: literals only, so no query can leave the machine.
            return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        dns.lookups.append(host)
        answers = dns[host]
        ips = answers[min(dns.lookups.count(host), len(answers)) - 1]
        port = int(port or 0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in ips
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: C901 - one branch per test route
        self.server.seen.append((self.command, self.path, self.headers.get("Host")))
        path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
        if path == "/page":
            self._send(200, PAGE, [("Content-Type", "text/html"), ("Content-Length", len(PAGE))])
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, headers=[("Location", f"/hop/{n - 1}" if n > 1 else "/page")])
        elif path == "/loop":
            self._send(302, headers=[("Location", "/loop")])
        elif path == "/redirect":
            self._send(302, headers=[("Location", query["to"][0])])
        elif path == "/big":
            self._send(200, BIG, [("Content-Length", len(BIG))])
        elif path == "/big-unannounced":
            self._send(200, BIG)  # HTTP/1.0, no length: the body ends at close
        elif path == "/png-labelled-html":
            self._send(200, PNG, [("Content-Type", "text/html"), ("Content-Length", len(PNG))])
        elif path in ("/error", "/missing", "/busy"):
            self._send({"/error": 500, "/missing": 404, "/busy": 429}[path], b"no")
        elif path == "/slow":
            self.server.stop.wait(3)
            self._send(200, b"late")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                if self.server.stop.wait(0.05):
                    return
                self.wfile.write(b".")
                self.wfile.flush()
        else:
            self._send(404)

    def do_POST(self):
        self.server.seen.append((self.command, self.path, self.headers.get("Host")))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(303, headers=[("Location", "/page")])


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # Skip HTTPServer's getfqdn(): a reverse lookup we neither need nor allow.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request, client_address):
        pass  # clients hang up on slow endpoints on purpose


@pytest.fixture
def loopback_http_server():
    """An HTTP server on 127.0.0.1 at an ephemeral port, in a thread."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.seen, server.stop = [], threading.Event()
    server.served = {"/page": PAGE, "/big": BIG, "/png-labelled-html": PNG}
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()
