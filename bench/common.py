"""Shared set-up for the benchmarks: which database, Django, results file.

Benchmarks use DATABASE_URL, or when it is unset a `claimdesk_bench` database
on the local PostgreSQL (created if missing). They never touch the desk's own
database, and all load goes to loopback only.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench" / "results.json"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/claimdesk_bench"


def bench_env() -> dict:
    """Environment for benchmark processes (Django, gunicorn, workers)."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", LOCAL_PG)
    env["CLAIMDESK_VAR_DIR"] = str(ROOT / "var" / "bench")
    (ROOT / "var" / "bench" / "static").mkdir(parents=True, exist_ok=True)
    # Throttles would measure the limiter, not the endpoint.
    env["CLAIMDESK_API_RATE"] = "100000000/minute"
    env["CLAIMDESK_API_ANON_RATE"] = "100000000/minute"
    env["CLAIMDESK_ALLOW_LOOPBACK_FETCH"] = "1"
    env["LOG_LEVEL"] = "WARNING"
    # Production mode: DEBUG would record every query, on our side only.
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-" + "x" * 48,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    return env


def ensure_database() -> str:
    """Create the bench database if missing; refuse anything but loopback."""
    from urllib.parse import urlsplit

    url = bench_env()["DATABASE_URL"]
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"benchmarks run against loopback only; DATABASE_URL points at {parts.hostname}")
    name = parts.path.lstrip("/")
    try:
        import psycopg

        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any driver error: say how to start PostgreSQL
        sys.exit(
            "PostgreSQL is needed for the benchmarks and is not reachable at "
            f"{parts.hostname}:{parts.port or 5432}: {exc}\n"
            "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL."
        )
    return url


def setup_django():
    for key, value in bench_env().items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def migrate():
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=bench_env(), check=True
    )


def save_results(new: dict) -> dict:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(new)
    current["machine"] = f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}"
    current["date"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True))
    return current


def print_table(title: str, rows: list[tuple]):
    print(f"\n{title}")
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
