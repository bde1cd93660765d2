"""`make bench`: every benchmark, one table, var/bench/results.json.

    python -m bench.run_all            (BENCH_QUICK=1: a run of a few minutes)

1. Check that PostgreSQL and Redis answer on loopback; say what is missing.
2. Run each benchmark as its own process (bounded by a timeout), in an order
   that keeps the small bench database small: lease and status first, scale
   on its own databases, then the Celery ones, then the upload.
3. Print one table of every result with its target and pass/fail, and write
   var/bench/results.json (the previous one is kept as results.previous.json).
Exit status 1 on any double lease, or if a benchmark crashed or timed out;
a missed ratio target is reported, not fatal: ratios are measurements.
"""

import os
import subprocess
import sys
import time

from bench.common import LOCAL_PG, QUICK, RESULTS, ROOT, bench_env, save_results

BENCHES = [  # (module, timeout in seconds)
    ("bench.lease", 300),
    ("bench.status", 300),
    ("bench.scale", 900),  # the first run generates a million claims
    ("bench.matching", 900),  # after scale: it times lookups on scale's databases
    ("bench.task_latency", 300),
    ("bench.worker_memory", 900),
    ("bench.upload_memory", 300),
    ("bench.language", 300),
    ("bench.media", 900),  # builds a million stored hashes on SQLite
]
# key, comparison, target, what it measures
TARGETS = [
    ("status_ratio", ">=", 0.75, "status read: API req/s over bare Django view"),
    ("status_304_ratio", ">=", 0.90, "status read, 304 path: API over bare view"),
    ("lease_ratio", ">=", 0.50, "take_next leases/s over raw SKIP LOCKED loop"),
    ("double_leases", "==", 0, "claims leased twice (must be 0)"),
    ("scale_ratio", "<=", 1.5, "worst time ratio, {large} over 10k claims"),
    ("scale_queries_equal", "==", True, "same query counts at 10k and {large}"),
    ("task_latency_ratio", "<=", 2.0, "commit->webhook over bare Celery round trip"),
    ("worker_rss_growth", "<", 0.10, "worker RSS growth after warm-up"),
    ("matching_top1_en", ">=", 0.80, "claim matcher: right claim first, English rewordings (blind)"),
    ("matching_top5_en", ">=", 0.95, "claim matcher: right claim in top 5, English (blind)"),
    ("matching_top5_other", ">=", 0.70, "claim matcher: top 5, Ukrainian and Russian queries (blind)"),
    ("matching_false_link_rate", "<=", 0.05, "claim matcher: should-find-nothing queries linked"),
    ("matching_lookup_ratio", "<=", 1.5, "claim matcher: lookup p95, {large} over 10k claims"),
    ("media_video_seconds", "<", 10, "keyframes and hashes of a 60-second 720p video, one core (s)"),
]


def machine() -> dict:
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model}


def preflight() -> list[str]:
    """What is missing, in words a person can act on."""
    from urllib.parse import urlsplit

    from bench.worker import DEFAULT_BROKER, redis_reachable

    missing = []
    url = bench_env()["DATABASE_URL"]
    parts = urlsplit(url)
    try:
        import psycopg

        psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except Exception as exc:  # noqa: BLE001 - report, whatever it is
        where = "DATABASE_URL" if url != LOCAL_PG else "the default"
        missing.append(
            f"PostgreSQL at {parts.hostname}:{parts.port or 5432} ({where}) does not answer: {exc}".strip()
            + "\n    start it, e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
    problem = redis_reachable()
    if problem:
        missing.append(
            f"{problem}\n    start it (redis-server --daemonize yes) or point CELERY_BROKER_URL at one"
            f" (unset, the benchmarks use {DEFAULT_BROKER})"
        )
    return missing


def run(module: str, timeout: int) -> dict:
    print(f"\n=== {module} ===", flush=True)
    start = time.monotonic()
    try:
        code = subprocess.run([sys.executable, "-m", module], cwd=ROOT, timeout=timeout).returncode
        outcome = "ok" if code == 0 else f"exit {code}"
    except subprocess.TimeoutExpired:
        outcome = f"timed out after {timeout}s"
    return {"module": module, "outcome": outcome, "seconds": round(time.monotonic() - start, 1)}


def verdict(value, op: str, target) -> str:
    if value is None:
        return "MISSING"
    ok = {">=": value >= target, "<=": value <= target, "<": value < target, "==": value == target}[op]
    return "pass" if ok else "FAIL"


def report(results: dict, runs: list[dict]) -> list[tuple]:
    rows = [("result", "value", "target", "", "what")]
    large = f"{results.get('scale_large_claims', 0):,}"
    for key, op, target, what in TARGETS:
        value = results.get(key)
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        rows.append((key, shown, f"{op} {target}", verdict(value, op, target), what.format(large=large)))
    upload = results.get("upload_memory") or {}
    if upload:
        rows.append(
            (
                "upload_memory growth",
                f"{upload.get('growth_mb')} MB",
                "< 64 MB",
                "",
                f"peak RSS {upload.get('peak_rss_mb')} MB for a {upload.get('file_mb')} MB upload",
            )
        )
    for name, scale in (results.get("scale") or {}).items():
        rows.append(
            (
                f"  scale: {name}",
                f"{scale['ratio']:.2f}",
                "",
                "",
                f"{scale['ms_small']} ms -> {scale['ms_large']} ms, queries {scale['queries_small']}"
                f" -> {scale['queries_large']}",
            )
        )
    for run_ in runs:
        rows.append((f"  ran {run_['module']}", run_["outcome"], f"{run_['seconds']}s", "", ""))
    return rows


def main() -> int:
    missing = preflight()
    if missing:
        print("make bench needs PostgreSQL and Redis on loopback:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    if RESULTS.exists():
        RESULTS.replace(RESULTS.with_name("results.previous.json"))
    began, load_before = time.monotonic(), os.getloadavg()
    print(f"Benchmarks{' (BENCH_QUICK)' if QUICK else ''}: load average {load_before[0]:.2f} at start", flush=True)
    runs = [run(module, timeout) for module, timeout in BENCHES]
    load_after = os.getloadavg()
    results = save_results(
        {
            **machine(),
            "quick": QUICK,
            "total_seconds": round(time.monotonic() - began),
            "load_average": {"start": round(load_before[0], 2), "end": round(load_after[0], 2)},
            "runs": runs,
        }
    )
    from bench.common import print_table

    print_table(
        f"All benchmarks, {results['date']}, {results['nproc']} cores ({results['cpu_model']}), "
        f"{results['total_seconds']}s, load {load_before[0]:.1f} -> {load_after[0]:.1f}",
        report(results, runs),
    )
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")
    crashed = [r["module"] for r in runs if r["outcome"] != "ok"]
    if results.get("double_leases"):
        print(f"FAILURE: {results['double_leases']} double lease(s)", file=sys.stderr)
        return 1
    if crashed:
        print(f"FAILURE: {', '.join(crashed)} crashed, timed out or reported a failure (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
