"""Cost at 10k and at 1M claims (100k with BENCH_QUICK=1): the queue page, the
status read, the claim list API, a source page, and the claim matcher's three
paths (the ?text= lookup, claims:search with external reviews, the duplicate
check on POST /api/v1/claims). Time per request (median of
N in-process requests through django.test.Client, DEBUG off) and the number of
queries each request makes. Target: 1M costs at most 1.5x what 10k costs, and
the query counts are equal.

    python -m bench.scale

Each size lives in its own database next to the bench one (`<name>_10k`,
`<name>_1m`), grown once with bench.generate and kept for later runs, so the
other benchmarks keep their small database and a rerun does not regenerate a
million claims. Each size is served by its own child process
(`python -m bench.scale --serve N`, one per database); the parent asks them in
turn for small batches of timed requests, so a noisy moment on the machine
falls on both sizes alike rather than deciding the ratio.
"""

import json
import math
import os
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.common import QUICK, ROOT, bench_env, print_table, save_results

SMALL, LARGE = 10_000, (100_000 if QUICK else 1_000_000)
REQUESTS = 30 if QUICK else 60  # at least this many timed requests per endpoint and size
SECONDS = 1.5 if QUICK else 3.0  # and at least about this much time, so a 1 ms endpoint gets thousands
BATCH_MS = 50  # one turn of a size: long enough to time, short enough to interleave finely
WARMUP = 3
TARGET = 1.5
ENDPOINTS = (
    "queue page",
    "status read",
    "claim list API",
    "source page",
    "text lookup",
    "claims:search",
    "duplicate check",
)


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def database_url(size: int) -> str:
    parts = urlsplit(bench_env()["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{label(size)}"))


def child_env(size: int) -> dict:
    from bench.server import production_env

    env = production_env()
    env["DATABASE_URL"] = database_url(size)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    return env


# --- In the child: one database, one size ------------------------------------------


def _prepare(size: int) -> dict:
    """Grow the database to ``size`` claims; return who and what to request."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from bench.generate import grow_to
    from sources.models import Source
    from sources.roles import EDITORS, ensure_roles
    from verification.api.keys import create_key
    from verification.models import ApiKey, Claim

    if grow_to(size):
        with connection.cursor() as cursor:  # a steady-state table: hint bits set, visibility map current
            cursor.execute("VACUUM ANALYZE")
    ensure_roles()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    ApiKey.objects.filter(name="bench-scale").delete()
    _, raw = create_key("bench-scale", ApiKey.Scope.REVIEW, user=editor)
    first = Claim.objects.order_by("id").values_list("id", flat=True).first()
    claim_id = Claim.objects.filter(id__gte=first + size // 2).order_by("id").values_list("id", flat=True).first()
    # The claim matcher's three paths ask about an existing claim's text (a hit, and a 409 for the
    # duplicate check, which writes nothing) and about a text nobody wrote (no hit).
    known = Claim.objects.get(pk=claim_id).text
    sources = Source.objects.order_by("id").values_list("id", flat=True)
    source_id = sources.filter(id__gte=sources.first() + sources.count() // 2).first()
    return {
        "editor": editor,
        "auth": f"Bearer {raw}",
        "claim_id": claim_id,
        "source_id": source_id,
        "claims": Claim.objects.count(),
        "known_text": known,
    }


def _requests(setup: dict) -> dict:
    from django.test import Client

    desk = Client()
    desk.force_login(setup["editor"])
    api = Client(HTTP_AUTHORIZATION=setup["auth"])
    return {
        "queue page": lambda: desk.get("/desk/"),
        "status read": lambda: api.get(f"/api/v1/claims/{setup['claim_id']}/status"),
        "claim list API": lambda: api.get("/api/v1/claims"),
        "source page": lambda: desk.get(f"/sources/{setup['source_id']}/"),
        "text lookup": lambda: api.get("/api/v1/status", {"text": setup["known_text"]}),
        "claims:search": lambda: api.get(
            "/api/v1/claims:search", {"query": "troops crossed the border", "includeExternalReviews": "true"}
        ),
        "duplicate check": lambda: api.post(
            "/api/v1/claims", {"text": setup["known_text"]}, content_type="application/json"
        ),
    }


def _time(request, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = request()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code not in (200, 409):  # 409: the duplicate check found the claim
            raise RuntimeError(f"expected 200 (409 for a duplicate), got {response.status_code}")
    return samples


def serve(size: int) -> None:
    """Prepare, warm up and count queries, then time requests on demand: the
    parent sends "<endpoint>\t<n>" lines and reads back JSON lists of ms."""
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed (migrate, progress) goes to stderr, not into the protocol
    from bench.common import ensure_database, migrate, setup_django

    ensure_database()
    migrate()
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    setup = _prepare(size)
    requests = _requests(setup)
    queries = {}
    for name, request in requests.items():
        _time(request, WARMUP)
        with CaptureQueriesContext(connection) as captured:
            request()
        queries[name] = len(captured)
    print(json.dumps({"claims": setup["claims"], "queries": queries}), file=protocol, flush=True)
    for line in sys.stdin:
        name, n = line.rstrip("\n").split("\t")
        print(json.dumps(_time(requests[name], int(n))), file=protocol, flush=True)


# --- In the parent: both sizes side by side, the ratios ------------------------------


class Child:
    def __init__(self, size: int):
        self.size = size
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.scale", "--serve", str(size)],
            cwd=ROOT,
            env=child_env(size),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.info = self._read()  # waits for generation the first time: minutes at 1M

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {label(self.size)} measuring process exited with {self.process.wait()}")
        return json.loads(line)

    def time(self, name: str, n: int) -> list[float]:
        self.process.stdin.write(f"{name}\t{n}\n")
        self.process.stdin.flush()
        return self._read()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def collect_static() -> None:
    """DEBUG off serves hashed static names from a manifest; the pages need it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=child_env(SMALL),
        check=True,
    )


def interleave(small: Child, large: Child) -> tuple[dict, dict]:
    """Short batches in turn, so load from elsewhere on the machine falls on
    both sizes alike; returns the medians and how many requests each had."""
    medians, counts = {}, {}
    for name in ENDPOINTS:
        guess = statistics.median(small.time(name, 5) + large.time(name, 5))
        batch = max(5, round(BATCH_MS / guess))
        turns = min(max(REQUESTS // batch, math.ceil(SECONDS * 1000 / (batch * guess))), 400)
        samples = {SMALL: [], LARGE: []}
        for turn in range(turns):
            for child in (small, large) if turn % 2 == 0 else (large, small):
                samples[child.size] += child.time(name, batch)
        medians[name] = {size: statistics.median(values) for size, values in samples.items()}
        counts[name] = batch * turns
    return medians, counts


def main() -> int:
    collect_static()
    small = Child(SMALL)
    large = Child(LARGE)
    try:
        medians, counts = interleave(small, large)
    finally:
        small.close()
        large.close()
    claims = {SMALL: small.info["claims"], LARGE: large.info["claims"]}
    queries = {SMALL: small.info["queries"], LARGE: large.info["queries"]}
    rows = [
        (
            "endpoint",
            f"ms @{label(SMALL)}",
            f"ms @{label(LARGE)}",
            "ratio",
            f"queries @{label(SMALL)}",
            f"queries @{label(LARGE)}",
            "requests each",
        )
    ]
    ratios = {name: medians[name][LARGE] / medians[name][SMALL] for name in ENDPOINTS}
    equal = all(queries[SMALL][name] == queries[LARGE][name] for name in ENDPOINTS)
    for name in ENDPOINTS:
        rows.append(
            (
                name,
                f"{medians[name][SMALL]:.1f}",
                f"{medians[name][LARGE]:.1f}",
                f"{ratios[name]:.2f}",
                queries[SMALL][name],
                queries[LARGE][name],
                counts[name],
            )
        )
    worst = max(ratios.values())
    rows.append(
        (f"scale ratio, worst (target <= {TARGET})", "", "", f"{worst:.2f}", "equal" if equal else "DIFFER", "", "")
    )
    print_table(f"Scale: {claims[SMALL]} vs {claims[LARGE]} claims, median per request, sizes interleaved", rows)
    save_results(
        {
            "scale_ratio": round(worst, 3),
            "scale_queries_equal": equal,
            "scale_large_claims": claims[LARGE],
            "scale": {
                name: {
                    "ms_small": round(medians[name][SMALL], 2),
                    "ms_large": round(medians[name][LARGE], 2),
                    "queries_small": queries[SMALL][name],
                    "queries_large": queries[LARGE][name],
                    "ratio": round(ratios[name], 3),
                    "requests": counts[name],
                }
                for name in ENDPOINTS
            },
        }
    )
    return 0 if equal else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())
