"""Queue lease throughput: "take next" through verification.workflow.transitions vs a
raw SQL SELECT … FOR UPDATE SKIP LOCKED + UPDATE loop, 16 concurrent workers
on the same database, same run. Any double lease is a failure (exit 1).

    python -m bench.lease
"""

import multiprocessing as mp
import os
import sys
import time
from collections import Counter

from bench.common import QUICK, bench_env, ensure_database, migrate, print_table, save_results, setup_django

WORKERS = 16
SECONDS = 4 if QUICK else 8
ROUNDS = 2
POOL = 30_000

RAW_SELECT = """SELECT id FROM verification_claim WHERE state IN ('queued', 'reopened') AND lease_owner_id IS NULL
ORDER BY priority DESC, created_at LIMIT 1 FOR UPDATE SKIP LOCKED"""
RAW_UPDATE = """UPDATE verification_claim SET state = 'in_review', lease_owner_id = %s,
lease_expires_at = now() + interval '30 minutes', version = version + 1, updated_at = now() WHERE id = %s"""


def _reset_queue(pool: int) -> None:
    """Put ``pool`` claims back in the queue, unleased, and drop old lease events."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM verification_claimevent WHERE kind = 'taken'")
        cursor.execute(
            "UPDATE verification_claim SET state = 'published', lease_owner_id = NULL, lease_expires_at = NULL "
            "WHERE state IN ('queued', 'reopened', 'in_review')"
        )
        cursor.execute(
            "UPDATE verification_claim SET state = 'queued' WHERE id IN "
            "(SELECT id FROM verification_claim ORDER BY id LIMIT %s)",
            [pool],
        )
        # Both loops start from the same clean table, not one bloated by the other's dead rows.
        cursor.execute("VACUUM ANALYZE verification_claim")


def _reviewers() -> list[int]:
    from django.contrib.auth.models import Group, User

    from sources.roles import FACT_CHECKERS, ensure_roles

    ensure_roles()
    group = Group.objects.get(name=FACT_CHECKERS)
    ids = []
    for i in range(WORKERS):
        user, _ = User.objects.get_or_create(username=f"bench-reviewer-{i}")
        user.groups.add(group)
        ids.append(user.pk)
    return ids


def _raw_worker(user_id: int, deadline: float, out) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    taken = []
    with psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname=parts.path.lstrip("/")
    ) as conn:
        while time.monotonic() < deadline:
            with conn.transaction():
                row = conn.execute(RAW_SELECT).fetchone()
                if row is None:
                    break
                conn.execute(RAW_UPDATE, (user_id, row[0]))
            taken.append(row[0])
    out.put(taken)


def _transition_worker(user_id: int, deadline: float, out) -> None:
    setup_django()
    from django.contrib.auth.models import User

    from verification.workflow.transitions import take_next

    user = User.objects.get(pk=user_id)
    taken = []
    while time.monotonic() < deadline:
        claim = take_next(user)
        if claim is None:
            break
        taken.append(claim.pk)
    out.put(taken)


def _run(target, user_ids) -> tuple[float, list[int]]:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = time.monotonic() + 1.0  # let every process connect first
    deadline = start + SECONDS
    procs = [ctx.Process(target=_delayed, args=(target, uid, start, deadline, out)) for uid in user_ids]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=SECONDS + 60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    taken = [claim_id for chunk in results for claim_id in chunk]
    return len(taken) / SECONDS, taken


def _delayed(target, user_id, start, deadline, out):
    from django.db import connections

    connections.close_all()  # never share the parent's connection across fork
    time.sleep(max(0.0, start - time.monotonic()))
    target(user_id, deadline, out)


def main() -> int:
    for key, value in bench_env().items():
        os.environ.setdefault(key, value)
    os.environ["CLAIMDESK_ONE_LEASE_PER_REVIEWER"] = "0"  # each take leases a new claim
    ensure_database()
    migrate()
    setup_django()
    from bench.generate import grow_to

    grow_to(POOL)
    user_ids = _reviewers()
    from django.db import connections

    # Alternate the two loops and keep each one's best round, so a noisy
    # neighbour on the machine does not decide the ratio.
    raw_rate = ours_rate = 0.0
    raw_taken, ours_taken = [], []
    for _ in range(ROUNDS):
        for target in (_raw_worker, _transition_worker):
            _reset_queue(POOL)
            connections.close_all()
            rate, taken = _run(target, user_ids)
            if target is _raw_worker:
                raw_rate, raw_taken = max(raw_rate, rate), raw_taken + [taken]
            else:
                ours_rate, ours_taken = max(ours_rate, rate), ours_taken + [taken]
    # Within a round no claim may be leased twice (nobody releases).
    double = sum(n - 1 for run in raw_taken + ours_taken for n in Counter(run).values() if n > 1)
    ratio = ours_rate / raw_rate if raw_rate else 0.0
    print_table(
        f"Queue lease, {WORKERS} workers, {SECONDS}s each",
        [
            ("loop", "leases/s", "leases"),
            ("raw SQL SKIP LOCKED", f"{raw_rate:.0f}", sum(map(len, raw_taken))),
            ("transitions.take_next", f"{ours_rate:.0f}", sum(map(len, ours_taken))),
            ("ratio (target >= 0.50)", f"{ratio:.2f}", ""),
            ("double leases (must be 0)", double, ""),
        ],
    )
    save_results(
        {
            "lease_ratio": round(ratio, 3),
            "double_leases": double,
            "lease_raw_per_s": round(raw_rate),
            "lease_ours_per_s": round(ours_rate),
        }
    )
    return 1 if double else 0


if __name__ == "__main__":
    sys.exit(main())
