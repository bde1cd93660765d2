"""Reviewer calibration: does a reviewer's confidence match how their verdicts held up?

A published verdict is put to the test when the claim is published again
(reopened, re-reviewed, signed off): the latest published verdict is the best
the desk knows. Each earlier publication is then one (confidence, outcome)
pair for the reviewer who made that assessment:

* outcome 1 — *confirmed*: the latest verdict is the same;
* outcome 0 — *revised*: the latest verdict differs.

The latest publication of a claim has no outcome yet and is not counted, nor
is any claim published only once. From the pairs: the Brier score, the
expected calibration error and the reliability-diagram bins, by the same
functions the LIAR benchmark reports (sources.credibility.calibration).

`recompute()` caches the figures in CalibrationSnapshot, one row per reviewer;
the periodic task `sources.tasks.recompute_calibration` calls it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Count

from sources.credibility.calibration import brier, expected_calibration_error, reliability_diagram
from verification.models import Assessment, CalibrationSnapshot, ClaimEvent

BINS = 10


@dataclass(frozen=True)
class Judged:
    """One published assessment and how it held up."""

    claim_id: int
    reviewer_id: int
    verdict: str
    confidence: float
    final_verdict: str

    @property
    def outcome(self) -> float:
        return 1.0 if self.verdict == self.final_verdict else 0.0


@dataclass(frozen=True)
class ReviewerCalibration:
    reviewer_id: int
    count: int
    confirmed: int
    brier: float
    ece: float
    bins: list[dict]


def _publications() -> dict[int, list[dict]]:
    """PUBLISHED events of every claim published at least twice, oldest first, by claim."""
    republished = (
        ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED)
        .values("claim_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("claim_id")
    )
    events = (
        ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED, claim_id__in=republished)
        .order_by("claim_id", "created_at", "id")
        .values("claim_id", "verdict", "confidence", "changes")
    )
    by_claim: dict[int, list[dict]] = {}
    for event in events.iterator(chunk_size=2000):
        by_claim.setdefault(event["claim_id"], []).append(event)
    return by_claim


def judged_assessments() -> list[Judged]:
    """Every published assessment that a later publication revised or confirmed. Three queries."""
    by_claim = _publications()
    earlier = [e for events in by_claim.values() for e in events[:-1]]
    # The event snapshots verdict and confidence; who made the assessment is on the Assessment row.
    ids = {(e["changes"] or {}).get("assessment_id") for e in earlier} - {None}
    reviewers = dict(Assessment.objects.filter(pk__in=ids).values_list("pk", "reviewer_id"))
    judged = []
    for claim_id, events in by_claim.items():
        final = events[-1]["verdict"]
        for event in events[:-1]:
            reviewer = reviewers.get((event["changes"] or {}).get("assessment_id"))
            if reviewer is None or event["confidence"] is None:
                continue  # an event from before assessments were linked: nobody to credit
            judged.append(Judged(claim_id, reviewer, event["verdict"], event["confidence"], final))
    return judged


def by_reviewer(judged: list[Judged]) -> dict[int, ReviewerCalibration]:
    """Brier score, ECE and reliability-diagram bins per reviewer."""
    pairs: dict[int, list[tuple[float, float]]] = {}
    for item in judged:
        pairs.setdefault(item.reviewer_id, []).append((item.confidence, item.outcome))
    result = {}
    for reviewer_id, items in sorted(pairs.items()):
        result[reviewer_id] = ReviewerCalibration(
            reviewer_id=reviewer_id,
            count=len(items),
            confirmed=int(sum(y for _, y in items)),
            brier=brier(items),
            ece=expected_calibration_error(items, BINS),
            bins=[asdict(b) for b in reliability_diagram(items, BINS)],
        )
    return result


def recompute() -> int:
    """Recompute and cache every reviewer's calibration; returns how many reviewers have one.

    Idempotent: the same verdict history writes the same rows; reviewers who do not
    have a judged verdict have no row.
    """
    results = by_reviewer(judged_assessments())
    with transaction.atomic():
        CalibrationSnapshot.objects.exclude(reviewer_id__in=list(results)).delete()
        for reviewer_id, c in results.items():
            CalibrationSnapshot.objects.update_or_create(
                reviewer_id=reviewer_id,
                defaults={"count": c.count, "confirmed": c.confirmed, "brier": c.brier, "ece": c.ece, "bins": c.bins},
            )
    return len(results)
