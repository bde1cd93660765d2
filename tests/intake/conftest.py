"""Fixtures for intake: the seed story, the seed story's sources with aliases
(Cyrillic among them), and a loopback web server serving article pages."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.services import require_shared_file


@pytest.fixture
def seed_text():
    # Through the one skip helper: a missing seed story fails under CI=true.
    return require_shared_file("seeds", "north-korean-troops-kursk.txt").read_text(encoding="utf-8")


@pytest.fixture
def story_sources(db, make_source):
    """Named so that only an alias can match: Budanov by his Cyrillic name, the
    Center by its English short name; Pat Ryder by his own name. The Kyiv
    Independent and Andrii Sybiha are missing, so intake proposes them."""
    from sources.models import SourceAlias

    budanov = make_source("HUR chief", kind="person")
    SourceAlias.objects.create(source=budanov, name="Кирило Буданов")
    center = make_source("SPRAVDI", kind="government_body")
    SourceAlias.objects.create(source=center, name="Center for Strategic Communication")
    SourceAlias.objects.create(source=center, name="Центр стратегічних комунікацій та інформаційної безпеки")
    ryder = make_source("Pat Ryder", kind="person")
    return {"budanov": budanov, "center": center, "ryder": ryder}


ARTICLE = """<!DOCTYPE html>
<html><head><title>Drones hit depot | Example News</title><meta charset="utf-8">
<script>var tracking = "Minister said 999 people were counted";</script><style>p { color: red }</style></head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Officials said 777 menus were served.</nav>
<header><p>Example News: the police said 555 subscribers joined today.</p></header>
<article>
<h1>Drones hit a fuel depot</h1>
<p>Regional governor Oleh Kiper said 40 drones were launched at the port on Tuesday.</p>
<p>The Kyiv Independent could not independently verify the figure.</p>
</article>
<footer>© 2024 Example News. Reporters said 888 cookies were stored.</footer>
</body></html>
"""
MENU = """<!DOCTYPE html><html><head><title>Example News</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<div>Subscribe</div><div>Log in</div><footer>© 2024 Example Media</footer></body></html>"""
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class _Handler(BaseHTTPRequestHandler):
    routes = {
        "/article": (200, "text/html; charset=utf-8", ARTICLE.encode()),
        "/menu": (200, "text/html", MENU.encode()),
        "/image": (200, "image/png", PNG),
        "/gone": (404, "text/plain", b"no"),
        "/busy": (503, "text/plain", b"try later"),
    }

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        status, content_type, body = self.routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def article_server(settings):
    """http://127.0.0.1:<port> serving /article, /moved, /menu, /image, /gone, /busy."""
    settings.ALLOW_LOOPBACK_FETCH = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api(client):
    """api(user) -> a client signed in as user (session auth, CSRF not enforced by the test client)."""

    def _as(user):
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def known_sources(db, make_source):
    """Budanov under a Cyrillic alias and the Kyiv Independent; Andrii Sybiha unknown."""
    from sources.models import SourceAlias

    budanov = make_source("Kyrylo Budanov", kind="person", country="UA")
    SourceAlias.objects.create(source=budanov, name="Буданов")
    outlet = make_source("The Kyiv Independent", kind="media_outlet", country="UA")
    return {"budanov": budanov, "outlet": outlet}


from tests.netguard import no_outside_connections  # noqa: E402,F401  (fixture, re-exported)
