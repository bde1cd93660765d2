"""Start and stop a gunicorn serving the bench settings on a loopback port."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from bench.common import ROOT, bench_env

SECRET = "bench-only-secret-" + "x" * 48


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env() -> dict:
    env = bench_env()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    return env


@contextmanager
def gunicorn(workers: int = 2):
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=production_env())
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def load(url: str, seconds: float, connections: int, headers: list[str]) -> dict:
    import json

    cmd = [sys.executable, "-m", "bench.loadgen", url, "--seconds", str(seconds), "--connections", str(connections)]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(
        cmd, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
