"""Which real services and shared files this run has, and what to do when one
is missing.

Locally a missing PostgreSQL, Redis, Chromium or shared data file skips the
tests that need it, with the reason; under CI=true the same absence fails
them, so CI always runs the whole suite against real services and data. Every
skip goes through ``_missing``; tests/conftest.py fails, under CI=true, any
skip that did not (a bare ``pytest.skip`` or a ``skipif`` marker), so a test
cannot vanish from CI unnoticed.
"""

import os
import shutil
import socket
from functools import cache
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


# .ci/run makes two passes: PostgreSQL with Redis, then SQLite with the
# embedded broker. In the second pass the PostgreSQL- and Redis-only tests have
# already run, so there they skip instead of failing.
EMBEDDED_PASS = os.environ.get("CLAIMDESK_CI_EMBEDDED_PASS", "") == "1"


# The shared folder sits beside the repository (CI lays a copy of it there).
SHARED = Path(__file__).resolve().parents[2] / "shared"


class CoveredByOtherPass(pytest.skip.Exception):
    """The one skip CI accepts: a PostgreSQL- or Redis-only test in the
    embedded pass, which the first pass has already run."""


def _missing(reason: str, covered_by_other_pass: bool = False):
    if covered_by_other_pass and EMBEDDED_PASS:
        raise CoveredByOtherPass(f"{reason} (ran in CI's PostgreSQL + Redis pass)")
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def fail_undocumented_skip_in_ci(report, excinfo):
    """Under CI=true, turn a skip that did not come through ``_missing`` into a
    failure (a ``_missing`` skip under CI=true is already one, except
    ``CoveredByOtherPass``). ``report`` is a test or collection report."""
    if not (IN_CI and report.skipped) or hasattr(report, "wasxfail"):
        return report
    if excinfo is not None and isinstance(excinfo.value, CoveredByOtherPass):
        return report
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true but this test skipped ({reason}). Call tests.services._missing (or a require_* helper) "
        "instead of pytest.skip / skipif, so the reason is kept and CI runs the test."
    )
    return report


def _port_open(host: str, port: int) -> bool:
    # Loopback only: the URL comes from our own settings and is checked first.
    assert host in ("127.0.0.1", "::1", "localhost"), host
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def using_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def require_postgres():
    if not using_postgres():
        _missing(
            "this test needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)",
            covered_by_other_pass=True,
        )


@cache
def redis_url() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else None


def require_redis():
    from urllib.parse import urlsplit

    url = redis_url()
    if not url:
        _missing("this test needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0", covered_by_other_pass=True)
    parts = urlsplit(url)
    if not _port_open(parts.hostname or "127.0.0.1", parts.port or 6379):
        _missing(f"Redis at {url} is not answering")


def require_chromium():
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        _missing(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("browser tests need the playwright package (make test installs it)")


def once_per_ci_run(what: str) -> None:
    """Skip, in CI's embedded pass only, a test whose subject never touches the pass's database or broker
    (a benchmark on a fresh database of its own): the PostgreSQL + Redis pass already ran it, unchanged."""
    if EMBEDDED_PASS:
        raise CoveredByOtherPass(f"{what} runs on a database of its own, the same in both passes")


def require_shared_file(*parts: str) -> Path:
    """The path of a file in the shared folder (seed stories, benchmark data),
    or the documented skip when this checkout has no shared folder beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        _missing(f"this test needs {path} (the shared folder beside the repository; CI lays a copy there)")
    return path
