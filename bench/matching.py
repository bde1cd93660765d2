"""How often the claim matcher finds a claim that was already checked.

    python -m bench.matching [--accuracy-only] [--postgres] [QUERIES]

QUERIES: a JSON list of {"id", "kind", "lang", "query", "target"}, where
``target`` is an index into AVeriTeC dev's claim list, or null for a query
that should find nothing (default: bench/matching_queries.json, the blind set
written before the matcher; bench/matching_dev_queries.json is the set it was
tuned on).

Accuracy: a fresh database (SQLite, or PostgreSQL with --postgres) holds
AVeriTeC dev's 500 claims as published claims, among LIAR's statements as
distractors when LIAR is present; every query goes through
``verification.matching.find_matches``, the function the API lookup, the
duplicate check and intake call. A claim with the target's exact text counts
as the target (AVeriTeC repeats some claims word for word).

Scale (without --accuracy-only): the ``?text=`` lookup's matcher call, p95
over 300 lookups (existing claims' texts and texts nobody wrote) on the bench's
generated PostgreSQL databases at 10,000 and 1,000,000 claims (bench.scale
makes them, with 100,000 external reviews beside the million; skipped with a
note when they are missing). The endpoints themselves, query counts pinned,
are in bench.scale's table.

The last line is one JSON object: top1_en, top5_en, top5_other,
false_link_rate, plus lookup_p95_ms_1m, lookup_p95_ms_10k and lookup_ratio
unless --accuracy-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import LOCAL_PG, ROOT, save_results

DATA = ROOT.parent / "shared" / "data"
AVERITEC = DATA / "averitec" / "dev.json"
LIAR_TRAIN = DATA / "liar" / "train.tsv"
DEFAULT_QUERIES = ROOT / "bench" / "matching_queries.json"
VERDICTS = {
    "Supported": "confirmed",
    "Refuted": "false",
    "Not Enough Evidence": "unproven",
    "Conflicting Evidence/Cherrypicking": "misleading",
}


def _configure(postgres: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CLAIMDESK_VAR_DIR"] = str(ROOT / "var" / "bench")
    os.environ["LOG_LEVEL"] = "WARNING"
    if postgres:
        os.environ["DATABASE_URL"] = LOCAL_PG.rsplit("/", 1)[0] + "/claimdesk_bench_matching"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="claimdesk-matching-")) / "bench.sqlite3")


def _fresh_database(postgres: bool) -> None:
    if postgres:
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "claimdesk_bench_matching"')
            conn.execute('CREATE DATABASE "claimdesk_bench_matching"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_claims() -> list[int]:
    """AVeriTeC's claims (published, with their verdicts) and LIAR's distractors; the claim id per AVeriTeC index."""
    from django.db import connection
    from django.utils import timezone

    from verification.models import Claim

    now = timezone.now()
    records = json.loads(AVERITEC.read_text())

    def published(text: str, verdict: str) -> Claim:
        return Claim(text=text, state=Claim.State.PUBLISHED, verdict=verdict, published_text=text, published_at=now)

    distractors = []
    if LIAR_TRAIN.exists():
        for line in LIAR_TRAIN.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) > 2 and fields[2].strip():
                distractors.append(published(fields[2].strip()[:2000], "unproven"))
    Claim.objects.bulk_create(distractors, batch_size=2000)
    created = Claim.objects.bulk_create(
        [published(r["claim"].strip(), VERDICTS.get(r["label"], "unproven")) for r in records], batch_size=500
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE verification_claim")
    print(f"loaded {len(created)} AVeriTeC claims among {len(distractors)} LIAR distractors", file=sys.stderr)
    return [claim.pk for claim in created]


def accuracy(queries: list[dict], claim_ids: list[int]) -> tuple[dict, list[dict]]:
    from django.conf import settings

    from sources.text import search_form
    from verification.matching import find_matches
    from verification.models import Claim

    forms = {pk: search_form(text) for pk, text in Claim.objects.filter(pk__in=claim_ids).values_list("pk", "text")}
    by_form: dict[str, set[int]] = {}
    for pk, form in forms.items():
        by_form.setdefault(form, set()).add(pk)
    rows = []
    for q in queries:
        found = find_matches(q["query"], limit=5, min_score=0)
        ids = [m.id for m in found]
        row = {"id": q["id"], "kind": q["kind"], "lang": q["lang"], "best": found[0].score if found else 0.0}
        if q["target"] is None:
            row["false_link"] = bool(found) and found[0].score >= settings.MATCH_LINK_SCORE
        else:
            wanted = by_form[forms[claim_ids[q["target"]]]]
            rank = next((i for i, pk in enumerate(ids) if pk in wanted), None)
            row.update(top1=rank == 0, top5=rank is not None, rank=rank)
        rows.append(row)

    def share(selected, key):
        selected = list(selected)
        return round(sum(r[key] for r in selected) / len(selected), 3) if selected else None

    positives = [r for r in rows if "top1" in r]
    english = [r for r in positives if r["lang"] == "en"]
    other = [r for r in positives if r["lang"] != "en"]
    result = {
        "top1_en": share(english, "top1"),
        "top5_en": share(english, "top5"),
        "top5_other": share(other, "top5"),
        "false_link_rate": share([r for r in rows if "false_link" in r], "false_link"),
    }
    kinds = {}
    for r in positives:
        kinds.setdefault(r["kind"], []).append(r)
    for kind, selected in sorted(kinds.items()):
        print(f"  {kind:14} n={len(selected):3}  top1={share(selected, 'top1')}  top5={share(selected, 'top5')}")
    return result, rows


def scale() -> dict:
    """p95 of a ``?text=`` lookup's matcher call on bench.scale's generated PostgreSQL databases
    (10,000 and 1,000,000 claims, or 100,000 with BENCH_QUICK=1), each in its own process."""
    from bench.scale import LARGE, SMALL, database_url, label

    out = {}
    for size in (SMALL, LARGE):
        try:
            out[size] = _lookup_p95_ms(database_url(size))
        except subprocess.CalledProcessError as exc:
            print(f"no usable {label(size)} database ({exc.stderr.strip()[-200:]}): run python -m bench.scale first")
            return {}
    return {
        f"lookup_p95_ms_{label(LARGE)}": out[LARGE],
        "lookup_p95_ms_10k": out[SMALL],
        "lookup_ratio": round(out[LARGE] / out[SMALL], 2),
        "lookup_p95_ms_sqlite_100k": _sqlite_lookup_p95_ms(100_000),
    }


def _sqlite_lookup_p95_ms(size: int) -> float:
    """The embedded default: a fresh SQLite file grown to ``size`` claims like bench.generate's, through
    Claim.objects.bulk_create (so the FTS5 triggers index them as they would any write)."""
    path = Path(tempfile.mkdtemp(prefix="claimdesk-matching-sqlite-")) / "scale.sqlite3"
    code = f"from bench.matching import _grow_sqlite, _time_lookups; _grow_sqlite({size}); _time_lookups()"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SQLITE_PATH=str(path), DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1200
    )
    return float(done.stdout.strip().splitlines()[-1])


def _grow_sqlite(size: int) -> None:
    import random

    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import WORDS
    from verification.models import Claim

    call_command("migrate", verbosity=0)
    random.seed(3)
    for start in range(0, size, 10_000):
        batch = [
            Claim(text=f"Claim {i}: " + " ".join(random.choices(WORDS, k=12))) for i in range(start, start + 10_000)
        ]
        Claim.objects.bulk_create(batch)


def _lookup_p95_ms(url: str) -> float:
    code = "from bench.matching import _time_lookups; _time_lookups()"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    return float(done.stdout.strip().splitlines()[-1])


def _time_lookups(rounds: int = 300) -> None:
    """In the child: ``find_matches`` as the ?text= lookup calls it, for existing claims' texts
    (hits) and texts nobody wrote (misses), after a warm-up; prints the p95 in ms."""
    import random

    import django

    django.setup()
    from verification.matching import find_matches
    from verification.models import Claim

    random.seed(7)
    top = Claim.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if top < 5000:
        raise SystemExit(f"only {top} claims")
    picked = random.sample(range(1, top + 1), 60)
    texts = list(Claim.objects.filter(pk__in=picked).values_list("text", flat=True))
    texts += [
        "Troops massed at the border, the ministry said on Friday",
        "Flood waters reached the harvest stores, officials confirmed",
        "Nobody ever wrote this sentence about Odesa's tram timetable",
    ] * 10
    for text in texts[:20]:
        find_matches(text, limit=10)
    timings = []
    for i in range(rounds):
        start = time.perf_counter()
        find_matches(texts[i % len(texts)], limit=10)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(round(timings[int(0.95 * len(timings)) - 1], 2))


def main(argv: list[str]) -> int:
    accuracy_only = "--accuracy-only" in argv
    postgres = "--postgres" in argv
    paths = [a for a in argv if not a.startswith("--")]
    queries_path = Path(paths[0]) if paths else DEFAULT_QUERIES
    if not AVERITEC.exists():
        print(f"skipped: AVeriTeC dev is not at {AVERITEC}")
        return 0
    queries = json.loads(queries_path.read_text())
    _configure(postgres)
    _fresh_database(postgres)
    claim_ids = load_claims()
    print(f"{len(queries)} queries from {queries_path.name}", file=sys.stderr)
    result, rows = accuracy(queries, claim_ids)
    if os.environ.get("BENCH_MATCHING_MISSES"):
        for row in rows:
            if row.get("top1") is False or row.get("false_link"):
                print("  miss:", row, file=sys.stderr)
    if not accuracy_only:
        result.update(scale())
    if queries_path == DEFAULT_QUERIES:
        save_results({f"matching_{k}": v for k, v in result.items()})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
