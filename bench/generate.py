"""Fill the bench database with N claims and their sources, attributions,
appearances and evidence, and N/10 imported external reviews, fast: PostgreSQL COPY, with a progress bar.

    python -m bench.generate 10000          # grows the data set to 10k claims
"""

import random
import sys
from datetime import UTC, datetime, timedelta

from tqdm import tqdm

from bench.common import ensure_database, migrate, setup_django
from sources.text import search_form

CHUNK = 20_000
STATES = ["queued"] * 6 + ["in_review", "awaiting_signoff", "published", "published", "reopened"]
VERDICTS = ["confirmed", "likely_true", "unproven", "disputed", "misleading", "false"]
ROLES = ["stated", "relayed", "released_material", "could_not_confirm", "denied", "opinion"]
WORDS = (
    "troops border ministry said video camp deployed soldiers report confirmed spokesperson figures "
    "election vaccine budget inflation harvest flood ceasefire drones missiles agency officials"
).split()


def _sources(cursor, count: int) -> list[int]:
    now = datetime.now(UTC)
    existing = [row[0] for row in cursor.execute("SELECT id FROM sources_source ORDER BY id").fetchall()]
    needed = count - len(existing)
    if needed > 0:
        with cursor.copy(
            "COPY sources_source (name, kind, country, homepage, notes, reliability, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(len(existing), count):
                copy.write_row(
                    (
                        f"Bench source {i}",
                        random.choice(["person", "ministry", "media_outlet"]),
                        "ZZ",
                        "",
                        "",
                        random.choice("ABCDEF"),
                        now,
                        now,
                    )
                )
        existing = [row[0] for row in cursor.execute("SELECT id FROM sources_source ORDER BY id").fetchall()]
    return existing


def _copy_claims(cursor, start: int, stop: int, now) -> None:
    cols = (
        "text, language, state, verdict, confidence, priority, reach, view_count, due_at, version, "
        "created_at, updated_at, published_at, published_text, search_text"
    )
    with cursor.copy(f"COPY verification_claim ({cols}) FROM STDIN") as copy:
        for i in range(start, stop):
            state = random.choice(STATES)
            published = state in ("published", "reopened")
            created = now - timedelta(minutes=i % 100_000)
            text = f"Claim {i}: " + " ".join(random.choices(WORDS, k=12))
            copy.write_row(
                (
                    text,
                    "en",
                    state,
                    random.choice(VERDICTS) if published else "",
                    round(random.random(), 2) if published else None,
                    random.randint(0, 100),
                    random.randint(0, 10_000),
                    0,
                    created + timedelta(hours=48),
                    1,
                    created,
                    created,
                    created if published else None,
                    text if published else "",  # the signed-off text readers see
                    search_form(text, "en"),  # the claim matcher's index form, as Claim.save writes it
                )
            )


def _copy_children(cursor, first_id: int, last_id: int, source_ids: list[int], now) -> None:
    with cursor.copy(
        "COPY verification_attribution (claim_id, source_id, role, quote, appeared_url, created_at) FROM STDIN"
    ) as copy:
        for claim_id in range(first_id, last_id + 1):
            for source_id, role in zip(random.sample(source_ids, 2), random.sample(ROLES, 2)):
                copy.write_row((claim_id, source_id, role, "", "", now))
    with cursor.copy("COPY verification_appearance (claim_id, url, normalised_url, title) FROM STDIN") as copy:
        for claim_id in range(first_id, last_id + 1):
            copy.write_row((claim_id, f"https://news.example.org/a/{claim_id}", f"news.example.org/a/{claim_id}", ""))
    cols = (
        "claim_id, kind, title, url, normalised_url, sha256, stance, notes, capture_status, capture_error, "
        "capture_attempts, added_at"
    )
    with cursor.copy(f"COPY verification_evidence ({cols}) FROM STDIN") as copy:
        for claim_id in range(first_id, last_id + 1):
            copy.write_row(
                (
                    claim_id,
                    "article",
                    f"Evidence for {claim_id}",
                    f"https://docs.example.org/{claim_id}",
                    f"docs.example.org/{claim_id}",
                    "",
                    random.choice(["supports", "refutes", "context"]),
                    "",
                    "not_requested",
                    "",
                    0,
                    now,
                )
            )


PUBLISHERS = [("AFP Fact Check", "factcheck.afp.com"), ("Full Fact", "fullfact.org"), ("StopFake", "stopfake.org")]
RATINGS = ["False", "Misleading", "Unproven", "True", "Partly false"]


def _copy_external_reviews(cursor, target: int, now) -> None:
    """Other fact-checkers' reviews, as an import would hold them: ``target`` in all."""
    have = cursor.execute("SELECT count(*) FROM verification_externalreview").fetchone()[0]
    if have >= target:
        return
    run_id = cursor.execute(
        "INSERT INTO verification_externalreviewimport (started_at, source, format, created, updated, unchanged, "
        "status) VALUES (%s, 'bench', 'datafeed', %s, 0, 0, 'imported') RETURNING id",
        (now, target - have),
    ).fetchone()[0]
    cols = (
        "claim_reviewed, search_text, claimant, publisher_name, publisher_site, url, title, review_date, "
        "textual_rating, language, licence, raw, imported_at, import_run_id"
    )
    with cursor.copy(f"COPY verification_externalreview ({cols}) FROM STDIN") as copy:
        for i in range(have, target):
            text = f"Review {i}: " + " ".join(random.choices(WORDS, k=10))
            name, site = PUBLISHERS[i % len(PUBLISHERS)]
            copy.write_row(
                (text, search_form(text, "en"), "", name, site, f"https://{site}/review/{i}", text[:80])
                + (now - timedelta(minutes=i), random.choice(RATINGS), "en", "", "{}", now, run_id)
            )


def grow_to(target: int, sources: int = 2_000) -> int:
    """Add claims until there are ``target``; returns how many were added."""
    from django.db import connection, transaction

    now = datetime.now(UTC)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        have = cursor.execute("SELECT count(*) FROM verification_claim").fetchone()[0]
        if have >= target:
            return 0
        source_ids = _sources(cursor, sources)
        with tqdm(total=target - have, unit="claims", desc="generating", file=sys.stderr) as bar:
            for start in range(have, target, CHUNK):
                stop = min(start + CHUNK, target)
                with transaction.atomic():
                    before = cursor.execute("SELECT coalesce(max(id), 0) FROM verification_claim").fetchone()[0]
                    _copy_claims(cursor, start, stop, now)
                    after = cursor.execute("SELECT max(id) FROM verification_claim").fetchone()[0]
                    _copy_children(cursor, before + 1, after, source_ids, now)
                bar.update(stop - start)
        with transaction.atomic():
            _copy_external_reviews(cursor, target // 10, now)  # 100,000 beside a million claims
        cursor.execute("ANALYZE")
    return target - have


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE verification_claim, sources_source RESTART IDENTITY CASCADE")


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    target = int(argv[0]) if argv else 10_000
    ensure_database()
    migrate()
    setup_django()
    added = grow_to(target)
    print(f"added {added} claims; the bench database now holds at least {target}")


if __name__ == "__main__":
    main()
