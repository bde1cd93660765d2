"""Fitting the suggestion's model on the desk's own published verdicts.

`refit()` reads the published claims (the latest SUGGESTION_FIT_VERDICTS of
them), computes each one's features exactly as the claim page would for a new
claim (`features.features`, with the claim's own verdict left out of every
record and table it is part of, and its wording scored by a text model fitted
without it), and fits:

1. the logistic model on the older 70 % (time order: first publication);
2. Platt scaling on the newer 30 %: how the model's numbers turned out on
   verdicts it had not seen; the same split, cross-fitted in two halves, gives
   the held-out reliability bins the claim page and the dashboard show;
3. the logistic model again on all of them, which the Platt map then calibrates.

Every coefficient has a prior (`fitted.PRIOR`), so a desk with ten verdicts gets
sensible weights with wide intervals and one with ten thousand gets its own.
Run by the task `verification.tasks.refit_suggestions`: after each sign-off
(debounced: `refit_if_stale` skips when the newest model already saw the latest
publication) and nightly.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from sources.credibility.calibration import brier, expected_calibration_error, reliability_diagram
from sources.credibility.grades import EvidenceItem
from sources.credibility.independence import AttributedSource
from sources.credibility.model import (
    Logistic,
    Platt,
    fit_logistic,
    fit_platt,
    fit_text_model,
    logit,
    out_of_fold_scores,
    shrunk,
)
from sources.credibility.records import decay_weight, verdict_truth
from sources.models import Source, TrackRecord
from verification.credibility import fitted
from verification.credibility.features import (
    UNINFORMATIVE_VERDICTS,
    ClaimFacts,
    DeskView,
    LeftOut,
    Record,
    Tables,
    features,
    rated_true,
)
from verification.credibility.suggestions import IGNORED_ROLES, similar_published
from verification.credibility.track_records import as_of, half_life_days
from verification.models import Attribution, AttributionRole, Claim, ClaimEvent, Evidence, SuggestionModel

log = logging.getLogger(__name__)

HELD_OUT_SHARE = 0.3
MIN_HELD_OUT = 50  # fewer newer verdicts than this: no calibration map, the model's numbers as they are
KEEP_FITS = 5
LOCK = "credibility:suggestion-refit"
LOCK_SECONDS = 3600
CHUNK = 2000


def latest_publication() -> int:
    return ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED).aggregate(n=Max("id"))["n"] or 0


def refit_if_stale() -> bool:
    """Refit unless the newest model already saw the latest publication, or a refit is running.

    Sign-offs send this with a delay, so a burst of them costs one fit: the first to run
    sees every publication so far, the others find the model current.
    """
    newest = SuggestionModel.objects.order_by("-fitted_at", "-id").values_list("through_event", flat=True).first()
    if newest is not None and newest >= latest_publication():
        return False
    return refit() is not None


def refit() -> SuggestionModel | None:
    """Fit on the published history and store the model; None when another refit holds the lock."""
    if not cache.add(LOCK, 1, LOCK_SECONDS):
        log.info("a suggestion refit is already running; this one stands down")
        return None
    try:
        through = latest_publication()
        model = fit(load_history(settings.SUGGESTION_FIT_VERDICTS))
        row = SuggestionModel.objects.create(
            verdicts=model.verdicts, through_event=through, parameters=model.parameters(), held_out=dict(model.held_out)
        )
        stale = SuggestionModel.objects.order_by("-fitted_at", "-id").values_list("pk", flat=True)[KEEP_FITS:]
        SuggestionModel.objects.filter(pk__in=list(stale)).delete()
        log.info("suggestion model refitted on %s verdicts (held out: %s)", model.verdicts, model.held_out.get("n", 0))
        return row
    finally:
        cache.delete(LOCK)


# --- History ---------------------------------------------------------------------------


class History:
    """Past published claims, oldest first, with what the features read about each."""

    def __init__(self, claims: list[dict], facts: list[ClaimFacts], stated: list[frozenset]):
        self.claims, self.facts, self.stated = claims, facts, stated

    def __len__(self) -> int:
        return len(self.claims)


def load_history(limit: int) -> History:
    """The latest `limit` published claims with an informative verdict, oldest first, in a few queries."""
    rows = list(
        Claim.objects.filter(state=Claim.State.PUBLISHED)
        .exclude(verdict__in=UNINFORMATIVE_VERDICTS)
        .order_by("-first_published_at", "-id")
        .values("id", "text", "verdict", "first_made_at", "published_at")[:limit]
    )[::-1]
    ids = [r["id"] for r in rows]
    attributions, evidence, tags = defaultdict(list), defaultdict(list), defaultdict(set)
    for chunk in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        for claim_id, source, role, relayed in (
            Attribution.objects.filter(claim_id__in=chunk)
            .exclude(role__in=IGNORED_ROLES)
            .order_by("claim_id", "id")
            .values_list("claim_id", "source_id", "role", "relays__source_id")
        ):
            attributions[claim_id].append(AttributedSource(source, role, relayed))
        for claim_id, *item in (
            Evidence.objects.filter(claim_id__in=chunk)
            .order_by("claim_id", "id")
            .values_list("claim_id", "stance", "credibility", "provided_by_id")
        ):
            evidence[claim_id].append(EvidenceItem(*item))
        for claim_id, name in Claim.tags.through.objects.filter(claim_id__in=chunk).values_list(
            "claim_id", "tag__name"
        ):
            tags[claim_id].add(name)
    facts = [
        ClaimFacts(
            r["id"], r["text"], tuple(sorted(tags[r["id"]])), tuple(attributions[r["id"]]), tuple(evidence[r["id"]])
        )
        for r in rows
    ]
    stated = [frozenset(a.source for a in f.attributions if a.role == AttributionRole.STATED) for f in facts]
    return History(rows, facts, stated)


# --- Tables -------------------------------------------------------------------------------


def organisation_tables() -> tuple[dict[str, Record], dict[str, dict[str, Record]]]:
    """Each organisation's record: its own and its members' (direct children's) track records, summed,
    overall and per topic, from the cached TrackRecord rows."""
    parents = set(
        Source.objects.filter(parent__isnull=False, merged_into__isnull=True).values_list("parent_id", flat=True)
    )
    overall: dict[str, Record] = defaultdict(Record)
    topical: dict[str, dict[str, Record]] = defaultdict(lambda: defaultdict(Record))
    rows = TrackRecord.objects.filter(count__gt=0, source__merged_into__isnull=True).values_list(
        "source_id", "source__parent_id", "mean", "effective_n", "by_topic"
    )
    for source_id, parent_id, mean, effective_n, by_topic in rows.iterator(chunk_size=2000):
        for org in {parent_id, source_id if source_id in parents else None} - {None}:
            overall[str(org)] += Record.from_mean(mean, effective_n)
            for tag, summary in (by_topic or {}).items():
                topical[str(org)][tag] += Record.from_mean(summary.get("mean"), summary.get("effective_n", 0.0))
    return dict(overall), {org: dict(v) for org, v in topical.items()}


def _left_out(claim: dict, stated: frozenset, now, half_life) -> LeftOut:
    truth = verdict_truth(claim["verdict"])
    when = claim["first_made_at"] or claim["published_at"]
    weight = decay_weight(when, now, half_life) if truth is not None else 0.0
    return LeftOut(truth or 0.0, weight, rated_true(claim["verdict"]), stated)


# --- The fit -------------------------------------------------------------------------------


def fit(history: History) -> fitted.FittedModel:
    """The model learned from `history` (see the module's docstring); no writes."""
    outcomes = [rated_true(c["verdict"]) for c in history.claims]
    claims_truth = [verdict_truth(c["verdict"]) for c in history.claims]
    now, half_life = as_of(), half_life_days()
    organisations, organisation_topics = organisation_tables()
    topics: dict[str, Record] = defaultdict(Record)
    for f, y in zip(history.facts, outcomes):
        for tag in f.tags:
            topics[tag] += Record(y, 1.0)
    tables = Tables(
        truth_mean=shrunk(
            sum(t for t in claims_truth if t is not None), sum(t is not None for t in claims_truth), 0.5, 2
        ),
        true_rate=shrunk(sum(outcomes), len(outcomes), 0.5, 2),
        organisations=organisations,
        organisation_topics=organisation_topics,
        topics=dict(topics),
    )
    texts = [f.text for f in history.facts]
    text_scores = out_of_fold_scores(texts, outcomes)
    everyone = [a.source for f in history.facts for a in f.attributions] + [
        e.provider for f in history.facts for e in f.evidence if e.provider is not None
    ]
    sources = fitted.source_view(everyone, [s for stated in history.stated for s in stated])
    rows = []
    for claim, facts, stated, score in zip(history.claims, history.facts, history.stated, text_scores):
        matches = similar_published(facts.text, facts.claim_id)  # the claim page's own matcher call
        view = DeskView(sources.graph, sources.grades, sources.records, sources.topic_records, tables, matches, score)
        left_out = _left_out(claim, stated, now, half_life)
        rows.append(features(facts, view, left_out, settings.MATCH_LINK_SCORE).values)
    logistic, platt, held_out = _fit_and_calibrate(rows, outcomes, tables.true_rate)
    text = fit_text_model(texts, outcomes) if texts else fitted.prior_model().text
    return fitted.FittedModel(logistic, platt, tables, text, len(rows), held_out)


def _logistic(rows, outcomes, true_rate) -> Logistic:
    means = {name: mean for name, (mean, _) in fitted.PRIOR.items()}
    precisions = {name: precision for name, (_, precision) in fitted.PRIOR.items()}
    return fit_logistic(rows, outcomes, means, precisions, (logit(true_rate), fitted.BIAS_PRECISION))


def _fit_and_calibrate(rows, outcomes, true_rate) -> tuple[Logistic, Platt, dict]:
    """Logistic on the older part, Platt on the newer (time order), then the logistic on everything."""
    cut = len(rows) - int(len(rows) * HELD_OUT_SHARE)
    platt, held_out = Platt(), {}
    if len(rows) - cut >= MIN_HELD_OUT:
        early = _logistic(rows[:cut], outcomes[:cut], true_rate)
        zs, ys = [early.z(r) for r in rows[cut:]], outcomes[cut:]
        platt = fit_platt(zs, ys)
        held_out = _held_out(zs, ys)
    return _logistic(rows, outcomes, true_rate), platt, held_out


def _held_out(zs: list[float], ys: list[float]) -> dict:
    """Calibrated suggestions on the newer verdicts, each half calibrated on the other half."""
    halves = [list(range(0, len(zs), 2)), list(range(1, len(zs), 2))]
    pairs = []
    for mine, other in (halves, halves[::-1]):
        platt = fit_platt([zs[i] for i in other], [ys[i] for i in other])
        pairs += [(platt(zs[i]), ys[i]) for i in mine]
    return {
        "n": len(pairs),
        "brier": round(brier(pairs), 4),
        "ece": round(expected_calibration_error(pairs), 4),
        "bins": [asdict(b) for b in reliability_diagram(pairs)],
    }
