"""What the Celery benchmarks share: the broker, a real worker process, a
loopback HTTP receiver that timestamps what arrives, and a worker's RSS."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import ROOT

DEFAULT_BROKER = "redis://127.0.0.1:6379/15"  # a Redis database of its own: the tests use 0 and 3-14


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER


def worker_env() -> dict:
    """Production-like: DEBUG off (no query log growing in the worker), Redis,
    mail dropped (a sign-off notifies people; no SMTP server on loopback)."""
    from bench.server import production_env

    env = production_env()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CELERY_BROKER_URL": broker_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    return env


def setup_sender() -> None:
    """Configure this process like the worker, so transitions enqueue on the same broker."""
    os.environ.update(worker_env())
    import django

    django.setup()
    import config.celery  # noqa: F401  (the app that delay() publishes with)


def redis_reachable(url: str | None = None, timeout: float = 2.0) -> str | None:
    """None when the broker answers PING; otherwise why not."""
    from urllib.parse import urlsplit

    import redis

    url = url or broker_url()
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return f"benchmarks use a loopback broker only; CELERY_BROKER_URL points at {parts.hostname}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
        return f"Redis is not reachable at {url}: {exc}"
    return None


@contextmanager
def celery_worker(log_path: Path, concurrency: int = 4, pool: str = "threads", include: str = "bench.tasks"):
    """A real `celery -A config worker` in its own process group, as the Procfile runs it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "wb")
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "-I",
        include,
        f"--hostname=bench-{os.getpid()}@localhost",
    ]
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=worker_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def purge_queue() -> None:
    """Drop messages a previous, interrupted run left on the bench broker."""
    from config.celery import app

    app.control.purge()


def prepare_worker_bench() -> None:
    """What every worker benchmark needs first: Redis (or a clear exit), the
    bench database migrated, this process set up to send, an empty queue."""
    from bench.common import ensure_database, migrate

    problem = redis_reachable()
    if problem:
        sys.exit(f"{problem}\nStart Redis (redis-server --daemonize yes) or set CELERY_BROKER_URL.")
    ensure_database()
    migrate()
    setup_sender()
    purge_queue()


# --- The receiver ---------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """Answers 204 to every POST and remembers when each body arrived."""

    daemon_threads = True

    def __init__(self, key):
        self.key = key  # body (parsed JSON) -> sample key
        self.arrivals: dict = {}
        self.count = 0
        self.changed = threading.Condition()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def arrived(self, body: bytes) -> None:
        at = time.perf_counter()
        key = self.key(json.loads(body))
        with self.changed:
            self.arrivals.setdefault(key, at)
            self.count += 1
            self.changed.notify_all()

    def wait_for(self, key, timeout: float) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: key in self.arrivals, timeout):
                raise TimeoutError(f"nothing arrived for {key!r} within {timeout}s")
            return self.arrivals[key]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.arrived(body)

    def log_message(self, *args):
        pass


# --- Memory -----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def rss_kib(pid: int) -> int:
    """VmRSS of a process and all its descendants, in KiB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue  # exited meanwhile
        todo += _children(current)
    return total
