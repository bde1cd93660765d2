"""Track records in the database: how the claims a source *stated* turned out.

The maths is `sources.credibility.records.track_record` (a Beta posterior with a 90 %
credible interval and time decay), the same function the LIAR benchmark
scores. This module feeds it from the ORM and caches the result in
`TrackRecord`, one row per source, so pages and the API read one row.

What counts:
* only attributions with role `stated`: relaying a claim or failing to confirm
  it says nothing about the relayer's own truthfulness;
* only claims with a published verdict; `unproven` and `not_checkable` carry no
  information about truth and are skipped (see VERDICT_TRUTH);
* the current published verdict, so a correction replaces the old verdict;
* topics are the claim's tags; a claim with two tags counts in both topics.

Each outcome is dated when the claim was first made (else when it was
published) and loses half its weight every TRACK_RECORD_HALF_LIFE_DAYS.
Records are computed as of the start of the current UTC day, so recomputing
twice on one day writes the same numbers, and the daily refresh task re-ages
them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sources.credibility.records import (
    NO_INFORMATION_VERDICTS,
    SELECTION_NOTE,
    BetaRecord,
    track_record,
    verdict_truth,
)
from sources.models import Source, TrackRecord
from verification.models import Attribution, AttributionRole, Claim

log = logging.getLogger(__name__)

BATCH_SIZE = 200
DIGITS = 6  # stored precision: enough for any display, and runs on two databases agree exactly
NOTE = SELECTION_NOTE  # pages and the API show it beside every record

Outcome = tuple[float, datetime, frozenset[str]]


def half_life_days() -> float | None:
    days = settings.TRACK_RECORD_HALF_LIFE_DAYS
    return float(days) if days else None


def as_of(now: datetime | None = None) -> datetime:
    """Start of the current UTC day: the reference time of every record computed today."""
    if now is not None:
        return now
    return timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def stated_outcomes(source_ids: Iterable[int]) -> dict[int, list[Outcome]]:
    """(truth, when, tags) of every published, informative verdict on a claim each source stated. Two queries."""
    stated = Attribution.objects.filter(
        source_id__in=list(source_ids), role=AttributionRole.STATED, claim__published_assessment__isnull=False
    ).exclude(claim__verdict__in=[*NO_INFORMATION_VERDICTS, ""])
    tags: dict[int, set[str]] = {}
    for claim_id, name in Claim.tags.through.objects.filter(claim_id__in=stated.values("claim_id")).values_list(
        "claim_id", "tag__name"
    ):
        tags.setdefault(claim_id, set()).add(name)
    outcomes: dict[int, list[Outcome]] = {}
    rows = stated.values_list("source_id", "claim_id", "claim__verdict", "claim__first_made_at", "claim__published_at")
    for source_id, claim_id, verdict, made_at, published_at in rows.order_by("claim_id"):
        truth = verdict_truth(verdict)
        outcomes.setdefault(source_id, []).append((truth, made_at or published_at, frozenset(tags.get(claim_id, ()))))
    return outcomes


def compute(outcomes: list[Outcome], now: datetime, half_life: float | None) -> BetaRecord | None:
    """The overall record plus one per tag; None when there is nothing to learn from."""
    if not outcomes:
        return None
    overall = track_record(((truth, when, None) for truth, when, _ in outcomes), now, half_life)
    topics = sorted({tag for _, _, tags in outcomes for tag in tags})
    by_topic = {
        tag: track_record([(t, w, None) for t, w, tags in outcomes if tag in tags], now, half_life) for tag in topics
    }
    return replace(overall, by_topic=by_topic)


def _summary(record: BetaRecord) -> dict:
    return {
        "mean": round(record.mean, DIGITS),
        "interval_low": round(record.lo, DIGITS),
        "interval_high": round(record.hi, DIGITS),
        "effective_n": round(record.effective_n, DIGITS),
        "count": record.count,
    }


def row_fields(record: BetaRecord | None) -> dict:
    """TrackRecord column values; an empty record (no informative verdicts) has no mean."""
    if record is None:
        return {"mean": None, "interval_low": None, "interval_high": None, "effective_n": 0, "count": 0, "by_topic": {}}
    summary = _summary(record)
    return {**summary, "by_topic": {topic: _summary(r) for topic, r in record.by_topic.items()}}


def recompute_sources(source_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute and store the records of `source_ids`; returns how many rows were written.

    1. Lock the sources (in id order, so concurrent runs cannot deadlock): a run that started
       earlier cannot overwrite a record computed from newer verdicts.
    2. Read every stated outcome of these sources in two queries and compute each record.
    3. update_or_create one row per source; a source with no outcomes and no row gets none.
    """
    ids = sorted({int(i) for i in source_ids})
    if not ids:
        return 0
    reference, half_life = as_of(now), half_life_days()
    with transaction.atomic():
        list(Source.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        outcomes = stated_outcomes(ids)
        existing = set(TrackRecord.objects.filter(source_id__in=ids).values_list("source_id", flat=True))
        written = 0
        for source_id in ids:
            record = compute(outcomes.get(source_id, []), reference, half_life)
            if record is None and source_id not in existing:
                continue
            TrackRecord.objects.update_or_create(source_id=source_id, defaults=row_fields(record))
            written += 1
    return written


def recompute_for_claim(claim_id: int, now: datetime | None = None) -> int:
    """Recompute the record of every source that stated the claim (not relayed, not could-not-confirm)."""
    ids = list(
        Attribution.objects.filter(claim_id=claim_id, role=AttributionRole.STATED).values_list("source_id", flat=True)
    )
    if not ids:
        log.info("claim %s: no source stated it (or it is gone); no track record to recompute", claim_id)
        return 0
    return recompute_sources(ids, now)


def recompute_all(
    progress: Callable[[int, int], None] | None = None, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> int:
    """Recompute every source's record in batches; `progress(done, total)` after each batch."""
    ids = list(Source.objects.order_by("pk").values_list("pk", flat=True))
    reference, written = as_of(now), 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        written += recompute_sources(batch, reference)
        if progress:
            progress(start + len(batch), len(ids))
    return written
