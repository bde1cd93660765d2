"""Private Redis and PostgreSQL instances for the fault tests, and gates.

A test that flushes or restarts a service starts its own copy on a free
loopback port and stops it at the end: the shared Redis (6379) and
PostgreSQL (5432) that the rest of the suite uses are never touched.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.services import _missing, require_postgres, using_postgres


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need_binary(path_or_name: str) -> str:
    found = shutil.which(path_or_name) or (path_or_name if os.access(path_or_name, os.X_OK) else None)
    if not found:
        _missing(f"this test needs {path_or_name} on the machine")
    return found


def postgres_only(why: str) -> None:
    """A PostgreSQL behaviour: a run configured for PostgreSQL must have it
    (the usual gate); a SQLite run skips it, and so does CI's SQLite pass,
    since CI's PostgreSQL pass has run it (anywhere else CI=true fails it)."""
    if os.environ.get("DATABASE_URL"):
        require_postgres()
    elif not using_postgres():
        _missing(f"{why}: PostgreSQL only (set DATABASE_URL to run it here)", covered_by_other_pass=True)


def wait_until(predicate, timeout: float, what, interval: float = 0.05):
    """Poll predicate() every ``interval`` s until truthy (its value), or fail
    after ``timeout`` s naming ``what`` did not happen (a string, or a callable
    called at the failure, e.g. to show the worker's log as it is then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")


# --- Redis --------------------------------------------------------------------


class PrivateRedis:
    """``redis-server`` without persistence on a free loopback port: a restart
    loses every key, as a production Redis without AOF would."""

    def __init__(self, workdir: Path):
        self.binary = need_binary("redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> "PrivateRedis":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=open(self.workdir / "redis.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._answers, 10, f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def restart(self) -> None:
        """SIGKILL and start again on the same port: everything in it is gone."""
        self.stop(signal.SIGKILL)
        self.start()
        self.restarts += 1

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=10)


@contextmanager
def producer_on(broker_url: str, visibility_timeout: int = 3600, transport_options: dict | None = None):
    """Send this process's tasks (outbox, on-commit work, .delay()) to
    ``broker_url`` for the duration, then back to the configured broker.
    Celery keeps one connection pool per app; dropping it makes the next
    send open a connection to the broker now configured."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options

    def reset_pools():
        # Not closed: kombu keeps one pool per broker URL in a global registry
        # and hands the same object out again.
        app._pool = None
        app.amqp._producer_pool = None

    # Celery reads CELERY_BROKER_URL from the environment before its own
    # setting, so that is switched too.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    reset_pools()
    os.environ["CELERY_BROKER_URL"] = app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options or {"visibility_timeout": visibility_timeout}
    try:
        yield app
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_transport_options = saved
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


def filesystem_broker(folder: Path) -> tuple[dict, dict]:
    """(worker environment, transport options) of a private filesystem broker."""
    queue = folder / "queue"
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    return {"CELERY_BROKER_URL": "filesystem://", "CELERY_FILESYSTEM_DIR": str(queue)}, options


def restore_unacked(broker_url: str, visibility_timeout: int) -> None:
    """What every live worker does every ~100 s by default (kombu's
    restore_visible sweep): put messages unacknowledged for longer than the
    visibility timeout back in their queue. A restarted worker does it at
    start-up; the kill test calls this only when a restart was quicker than
    the timeout, to stand in for the next periodic sweep."""
    from kombu import Connection

    with Connection(broker_url, transport_options={"visibility_timeout": visibility_timeout}) as conn:
        conn.default_channel.qos.restore_visible(num=1000, interval=1)


def wait_for_restore(broker_url: str, visibility_timeout: int, held: dict[str, float]) -> None:
    """Sweep as a live worker would (restore_unacked) until none of ``held``
    (tag: time delivered, from unacked_on_redis, taken when the worker died) is
    still unacknowledged from that delivery: each went back to its queue, or
    was delivered again since. Only messages past the visibility timeout are
    ever restored, so a sweep before then does nothing."""
    from tests.worker import unacked_on_redis

    def restored() -> bool:
        restore_unacked(broker_url, visibility_timeout)
        still = unacked_on_redis(broker_url, only=held)
        return all(still.get(tag) != delivered for tag, delivered in held.items())

    wait_until(
        restored,
        visibility_timeout + 10,
        lambda: (
            f"the {len(held)} message(s) a killed worker held unacknowledged ({sorted(held)}) to go back to "
            f"their queue after the {visibility_timeout} s visibility timeout; still unacked: "
            f"{unacked_on_redis(broker_url, only=held)}"
        ),
        interval=0.1,
    )


# --- PostgreSQL ---------------------------------------------------------------


class PrivatePostgres:
    """A throwaway cluster (initdb) on a free loopback port, trust auth, run
    as the ``postgres`` OS user when the tests run as root."""

    def __init__(self, workdir: Path):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            _missing("this test needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
        self.bin = Path(bins[-1]).parent
        self.workdir = workdir
        self.data = workdir / "data"
        self.port = free_port()

    def _run(self, *args, check=True, timeout=60) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=check)

    def init(self) -> "PrivatePostgres":
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            os.chmod(self.workdir, 0o700)
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )
        return self

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.workdir} "
            "-c fsync=off -c max_connections=60"
        )
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.workdir / "server.log",
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> None:
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.workdir / "server.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""
