"""Suggested prior: how likely a new claim is true before anyone checks it.

Pure Python, no Django, like the rest of `sources.credibility`. The product and the LIAR
benchmark (`python -m bench.liar`) share `suggested_prior`, so the benchmark
numbers describe what editors see.

The prior blends, in log-odds, three kinds of track record: the source's own,
its affiliations' (party, parent organisation, ...), and the verdicts of the
most similar previously checked claims (`ClaimIndex`, scored by
`sources.text.similarity`). The few blend weights are fitted by `fit_blend` on
data the prior is not judged on; how well it is calibrated is measured by
`sources.credibility.calibration`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sources.credibility.records import BetaRecord
from sources.text import Prepared, most_similar, prepare

# --- Similar claims ---


class ClaimIndex:
    """Checked claims, each stored with its truth value, scored by `sources.text.similarity`.

    The index only picks candidates: claims sharing a word with the query, skipping
    words found in more than `max_df_share` of the claims (and in hundreds of them),
    which match everything and dominate run time; small collections keep every word.
    """

    def __init__(self, max_df_share: float = 0.05):
        self.max_df_share = max_df_share
        self.postings: dict[str, list[int]] = {}
        self.texts: list[Prepared] = []
        self.outcomes: list[float] = []

    def add(self, text: str, truth: float) -> int:
        doc = len(self.outcomes)
        prepared = prepare(text)
        for word in set(prepared.norm.split()):
            self.postings.setdefault(word, []).append(doc)
        self.texts.append(prepared)
        self.outcomes.append(truth)
        return doc

    def similar(self, text: str, k: int = 20, exclude: int | None = None) -> list[tuple[float, float]]:
        """(truth value, similarity from 0 to 1) of the k most similar claims, best first."""
        n = len(self.outcomes)
        query = prepare(text)
        candidates: set[int] = set()
        for word in set(query.norm.split()):
            docs = self.postings.get(word, ())
            if len(docs) <= max(self.max_df_share * n, 200):
                candidates.update(docs)
        candidates.discard(exclude)
        found = most_similar(query, [(doc, self.texts[doc]) for doc in sorted(candidates)], limit=k)
        return [(self.outcomes[doc], score) for doc, score in found]


# --- Suggested prior: a log-odds blend of track records ---

# Product defaults, rounded from the LIAR fit (python -m bench.liar prints the fitted ones).
# Unlisted affiliation kinds fall back to "affiliation".
DEFAULT_WEIGHTS = {"source": 0.5, "affiliation": 0.45, "similar": 1.35}
_SIMILAR_PSEUDO_SCORE = 5.0  # shrinks a few weak matches (similarity 0-1 each) towards the centre


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class PriorBlend:
    """P(true) = sigmoid(bias + sum of weight * (logit(input mean) - logit(centre))).

    `centre` is the rate the track records were shrunk towards, so an input with no
    history (or a missing one) adds nothing rather than pulling towards 0.5.
    """

    centre: float = 0.5
    bias: float = 0.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, name: str) -> float:
        return self.weights.get(name, self.weights.get("affiliation", 0.0))

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(self.bias + sum(self.weight(name) * value for name, value in features.items()))


def prior_features(
    source_record: BetaRecord | None,
    affiliation_records: Mapping[str, BetaRecord | Sequence[BetaRecord]],
    similar_claim_outcomes: Sequence[tuple[float, float]],
    centre: float = 0.5,
) -> dict[str, float]:
    """Log-odds of each input relative to `centre`; several records of one kind are averaged."""
    shift = logit(centre)
    features = {}
    if source_record is not None:
        features["source"] = logit(source_record.mean) - shift
    for kind, records in affiliation_records.items():
        records = [records] if isinstance(records, BetaRecord) else list(records)
        if records:
            features[kind] = sum(logit(r.mean) for r in records) / len(records) - shift
    if similar_claim_outcomes:
        total = sum(score for _, score in similar_claim_outcomes) + _SIMILAR_PSEUDO_SCORE
        truth = sum(t * score for t, score in similar_claim_outcomes) + _SIMILAR_PSEUDO_SCORE * centre
        features["similar"] = logit(truth / total) - shift
    return features


def suggested_prior(
    source_record: BetaRecord | None,
    affiliation_records: Mapping[str, BetaRecord | Sequence[BetaRecord]],
    similar_claim_outcomes: Sequence[tuple[float, float]],
    blend: PriorBlend = PriorBlend(),
) -> float:
    """Probability that a new claim is true, before checking, from the records around it.

    `similar_claim_outcomes` are (truth value, similarity score) pairs, e.g. from `ClaimIndex.similar`.
    """
    return blend.probability(prior_features(source_record, affiliation_records, similar_claim_outcomes, blend.centre))


def fit_blend(
    feature_rows: Sequence[Mapping[str, float]], outcomes: Sequence[float], centre: float, l2: float = 1.0
) -> PriorBlend:
    """Fit the blend's bias and weights by L2-penalised logistic regression (Newton's method).

    Only fit on data the blend will not be judged on: the benchmark uses cross-fitted TRAIN rows.
    """
    names = sorted({name for row in feature_rows for name in row})
    rows = [[1.0] + [row.get(name, 0.0) for name in names] for row in feature_rows]
    coef = [0.0] * (len(names) + 1)
    for _ in range(50):
        step = _newton_step(rows, outcomes, coef, l2)
        coef = [c - s for c, s in zip(coef, step)]
        if max(map(abs, step)) < 1e-9:
            break
    return PriorBlend(centre=centre, bias=coef[0], weights=dict(zip(names, coef[1:])))


def _newton_step(rows, outcomes, coef, l2) -> list[float]:
    """Solve H step = gradient for the penalised log-loss (the bias is not penalised)."""
    d = len(coef)
    grad = [l2 * c if i else 0.0 for i, c in enumerate(coef)]
    hess = [[l2 if (i == j and i) else 0.0 for j in range(d)] for i in range(d)]
    for x, y in zip(rows, outcomes):
        p = sigmoid(sum(c * v for c, v in zip(coef, x)))
        s = max(p * (1.0 - p), 1e-9)
        for i in range(d):
            grad[i] += (p - y) * x[i]
            row = hess[i]
            for j in range(i, d):
                row[j] += s * x[i] * x[j]
    for i in range(d):
        for j in range(i):
            hess[i][j] = hess[j][i]
    hess[0][0] += 1e-9  # keeps a one-class fixture solvable
    return _solve(hess, grad)


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting; the systems here are a few rows."""
    n = len(rhs)
    a = [row[:] + [b] for row, b in zip(matrix, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-300:
            raise ArithmeticError("singular system in the blend fit; add L2 or drop a constant feature")
        for r in range(n):
            if r != col and a[r][col]:
                factor = a[r][col] / a[col][col]
                a[r] = [v - factor * w for v, w in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]
