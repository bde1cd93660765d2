"""A real Celery worker process for end-to-end tests.

It runs `celery -A config worker` against the same test database and broker
as the test process. Never eager mode: tasks cross a process boundary, as in
production.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db.get("USER") or ""
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["CLAIMDESK_VAR_DIR"] = str(settings.VAR_DIR)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        env["CELERY_FILESYSTEM_DIR"] = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    env["CLAIMDESK_WORKER_HEARTBEAT_SECONDS"] = "1"
    env["CLAIMDESK_ALLOW_LOOPBACK_FETCH"] = "1"
    env.update(extra or {})
    return env


class CeleryWorker:
    def __init__(
        self,
        log_path: Path,
        extra_env: dict | None = None,
        pool: str = "threads",
        concurrency: int = 4,
        queues: list[str] | None = None,
    ):
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.pool = pool
        self.concurrency = concurrency
        self.queues = queues  # None: every queue in CELERY_TASK_QUEUES (bulk and control)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "CeleryWorker":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        start_offset = self.log_path.stat().st_size
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@localhost",
            *(["-Q", ",".join(self.queues)] if self.queues else []),
        ]
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=worker_env(self.extra_env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")
            with open(self.log_path, "rb") as handle:
                handle.seek(start_offset)
                if b" ready." in handle.read():
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Celery worker not ready after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole process group, as an out-of-memory killer would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()


def wait_for(predicate, timeout: float = 30, interval: float = 0.2, message="condition"):
    """Poll until predicate() is truthy; return its value or fail with ``message``
    (a string, or a callable called at the failure, e.g. for the worker's log then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            said = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout}s waiting for {said}")
        time.sleep(interval)


def unacked_on_redis(broker_url: str, queue: str | None = None, only=None) -> dict[str, float]:
    """Messages a Redis broker holds as delivered but not yet acknowledged, as
    {delivery tag: time delivered (epoch seconds)}: kombu's ``unacked`` hash
    and its ``unacked_index``, which its visibility-timeout sweep reads.
    ``queue`` keeps the messages routed to that queue, ``only`` those tags."""
    import redis
    from kombu.transport.redis import Channel

    client = redis.Redis.from_url(broker_url, socket_timeout=5)
    held = {}
    for raw_tag, raw in client.hgetall(Channel.unacked_key).items():
        tag = raw_tag.decode()
        _message, exchange, routing_key = json.loads(raw)
        if (queue is None or queue in (exchange, routing_key)) and (only is None or tag in only):
            delivered = client.zscore(Channel.unacked_index_key, raw_tag)
            if delivered is not None:
                held[tag] = delivered
    client.close()
    return held
