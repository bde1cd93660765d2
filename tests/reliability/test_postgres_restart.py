"""PostgreSQL stops and starts again under API load.

gunicorn serves the desk from a private PostgreSQL cluster (initdb on a
spare loopback port; the shared server is never restarted) while six
reviewers take and assess claims and two readers poll statuses through the
API. Mid-load the cluster is stopped, kept down for two seconds and started
again. Requests during the outage get a clear 503 problem+json, never a
500 or a hung connection; there are no partial writes (every history
replays to its row, every assessment the API acknowledged is stored, no
claim awaits sign-off without its assessment); and the same gunicorn
processes serve again within seconds, with no restart of the app.
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter

import requests

from tests.reliability.pg_app import CLAIMS, ROOT, Load, script, start_gunicorn
from tests.reliability.services import free_port, postgres_only, wait_until

DOWN_FOR = 2.0  # the scenario: the cluster stays down this long, whatever the test has seen
RECOVERY_LIMIT = 10
LOAD_LIMIT = 30  # for the load to be served before the outage
SERVED_AFTER = 100  # answers in a row, all successes, that show the desk serves again
ASSESSED = 20  # acknowledged assessments before the outage, and again after it: writes in flight both sides
WRITES = {"take", "assess", "release"}


def desk_on(cluster, tmp_path) -> tuple[dict, dict]:
    """Migrate and fill a database on the private cluster: (environment, data)."""
    cluster.createdb("claimdesk")
    env = {k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=cluster.url("claimdesk"),
        CLAIMDESK_VAR_DIR=str(tmp_path / "var"),
        CELERY_BROKER_URL="filesystem://",
        DB_CONN_MAX_AGE="60",
        PYTHONPATH=str(ROOT),
    )
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env, json.loads(script("setup", env))


def load_through_an_outage(cluster, base: str, data: dict) -> tuple[Load, float, float]:
    """Load until ASSESSED assessments and some reads succeeded, stop the
    cluster until DOWN_FOR has passed and the outage was answered 503 to a read
    and a write, start it, load until the desk serves again: (load, down at, up at)."""
    load = Load(base, data["keys"], data["claims"])
    threads = load.run()
    try:
        wait_until(
            lambda: successes(load, 0, "assess") >= ASSESSED and successes(load, 0, "status"),
            LOAD_LIMIT,
            lambda: f"{ASSESSED} assessments and a status read to be answered 200 under load: {tally(load)}",
            interval=0.1,
        )
        down_at = time.monotonic()
        cluster.stop("fast")

        def outage_seen() -> bool:
            refused = answered(load, down_at, {503})
            return time.monotonic() - down_at >= DOWN_FOR and "status" in refused and bool(refused & WRITES)

        wait_until(
            outage_seen,
            DOWN_FOR + 15,
            lambda: f"a status read and a write to be answered 503 while the database was down: {tally(load, down_at)}",
            interval=0.1,
        )
        cluster.start()
        up_at = time.monotonic()
        wait_until(
            lambda: serving_again(load, up_at),
            RECOVERY_LIMIT + 15,
            lambda: (
                f"{SERVED_AFTER} successful answers in a row, and {ASSESSED} assessments, after PostgreSQL "
                f"started again: {tally(load, up_at)}\n{cluster.log_tail()}"
            ),
            interval=0.1,
        )
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=15)
    return load, down_at, up_at


def successes(load: Load, since: float, op: str) -> int:
    with load.lock:
        return sum(o.op == op and o.status == 200 for o in load.outcomes if o.at >= since)


def answered(load: Load, since: float, statuses: set[int]) -> set[str]:
    """The operations answered with one of ``statuses`` since ``since``."""
    with load.lock:
        return {o.op for o in load.outcomes if o.at >= since and o.status in statuses}


def serving_again(load: Load, up_at: float) -> bool:
    with load.lock:
        since_up = [o for o in load.outcomes if o.at >= up_at]
    streak = []
    for outcome in reversed(since_up):
        if outcome.status not in (200, 204):
            break
        streak.append(outcome)
    ops = {o.op for o in streak if o.status == 200}
    return len(streak) >= SERVED_AFTER and "status" in ops and successes(load, up_at, "assess") >= ASSESSED


def tally(load: Load, since: float = 0) -> dict:
    """(operation, status) -> answers since ``since``, for failure messages."""
    with load.lock:
        return dict(Counter((o.op, o.status) for o in load.outcomes if o.at >= since))


def test_it_answers_503_while_the_database_is_down_and_recovers_without_a_restart(request, tmp_path, figures):
    postgres_only("restarting PostgreSQL under load")
    cluster = request.getfixturevalue("private_postgres")
    started = time.monotonic()
    env, data = desk_on(cluster, tmp_path)
    port = free_port()
    server = start_gunicorn(port, env, tmp_path / "gunicorn.log")
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}"), 30, "gunicorn to answer")
        load, down_at, up_at = load_through_an_outage(cluster, f"http://127.0.0.1:{port}", data)
        assert server.poll() is None, "gunicorn died"
    finally:
        server.terminate()
        server.wait(timeout=15)
    stored = json.loads(script("replay", env))
    unavailable, last_failure = check_answers(load.outcomes, down_at, up_at)
    # No partial writes: acknowledged assessments are stored, nothing half-done.
    awaiting = {int(k): v for k, v in stored["awaiting"].items()}
    assert {pk: awaiting.get(pk) for pk in load.assessed} == load.assessed
    assert stored["dangling"] == 0 and stored["assessments"] == stored["assessed_events"] == len(awaiting)
    writes_refused = sum(o.op != "status" for o in unavailable)
    assert writes_refused, "writes should have been attempted during the outage"
    figures(
        "postgres_restart",
        requests=len(load.outcomes),
        answered_503=len(unavailable),
        writes_answered_503=writes_refused,
        assessments_acknowledged=len(load.assessed),
        claims=CLAIMS,
        events_replayed=stored["events"],
        outage_seconds=round(up_at - down_at, 1),
        recovered_after_start_seconds=round(max(0, last_failure - up_at), 2),
        restarts=1,
        test_seconds=round(time.monotonic() - started, 1),
    )


def check_answers(outcomes, down_at: float, up_at: float):
    """Every answer a success, a documented refusal or a clear 503 (no 500,
    no dropped connection); after the outage, every request succeeds again."""
    unexpected = [o for o in outcomes if o.status >= 500 and o.status != 503 or o.status == 0]
    assert not unexpected, unexpected[:5]
    unavailable = [o for o in outcomes if o.status == 503]
    assert unavailable, "the outage should have been seen"
    for o in unavailable:
        assert o.content_type.startswith("application/problem+json") and "database" in o.body["detail"].lower(), o
    assert all(down_at - 0.5 <= o.at <= up_at + RECOVERY_LIMIT for o in unavailable)
    last_failure = max(o.at for o in unavailable)
    after = [o for o in outcomes if o.at > last_failure]
    assert after and all(o.status in (200, 204) for o in after), {o.status for o in after}
    assert last_failure - up_at <= RECOVERY_LIMIT
    return unavailable, last_failure


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/api/v1/status?text=x", timeout=2).status_code == 401
    except requests.RequestException:
        return False
