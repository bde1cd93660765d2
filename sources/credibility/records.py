"""Admiralty scales and track records: how often a source's checked claims were true.

Pure Python on purpose (no Django), like the rest of `sources.credibility`: the
Celery task, the admin and the LIAR benchmark (`python -m bench.liar`) all call
these same functions, so what the benchmark measures is what the product ships.

The Admiralty code keeps two axes apart: how reliable a *source* has been
(A–F) and how credible one piece of *information* is (1–6). They are never
collapsed into one number here.

A track record is a Beta posterior (`BetaRecord`) over the truth values of a
source's checked claims, each outcome decayed by its age. The database caches
it per source in `sources.models.TrackRecord`; this module holds only the maths.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils.translation import gettext_lazy

RELIABILITY_GRADES = {
    "A": gettext_lazy("Completely reliable"),
    "B": gettext_lazy("Usually reliable"),
    "C": gettext_lazy("Fairly reliable"),
    "D": gettext_lazy("Not usually reliable"),
    "E": gettext_lazy("Unreliable"),
    "F": gettext_lazy("Reliability cannot be judged"),
}
INFORMATION_CREDIBILITY = {
    1: gettext_lazy("Confirmed by other sources"),
    2: gettext_lazy("Probably true"),
    3: gettext_lazy("Possibly true"),
    4: gettext_lazy("Doubtful"),
    5: gettext_lazy("Improbable"),
    6: gettext_lazy("Truth cannot be judged"),
}

# Verdict -> truth value for track records. `unproven` and `not_checkable` are
# left out on purpose: they say nothing about whether the source told the truth.
VERDICT_TRUTH = {
    "confirmed": 1.0,
    "likely_true": 0.75,
    "disputed": 0.5,
    "misleading": 0.25,
    "false": 0.0,
}
NO_INFORMATION_VERDICTS = frozenset({"unproven", "not_checkable"})

SELECTION_NOTE = (
    "Fact-checked claims are a selected sample: checkers pick claims that look doubtful "
    "or matter, so a track record describes checked claims, not everything a source says."
)


def verdict_truth(verdict: str) -> float | None:
    """Truth value of a verdict, or None when the verdict carries no information."""
    if verdict in NO_INFORMATION_VERDICTS:
        return None
    try:
        return VERDICT_TRUTH[verdict]
    except KeyError:
        raise ValueError(f"Unknown verdict {verdict!r}; expected one of {sorted(VERDICT_TRUTH)}") from None


# --- Beta distribution (stdlib only; scipy would be one heavy dependency for three functions) ---


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta, by the modified Lentz method."""
    tiny, eps = 1e-300, 3e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    # Converges in O(sqrt(max(a, b))) terms; the bound only guards against a bug.
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= c * d
        if abs(c * d - 1.0) < eps:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive, got a={a}, b={b}")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    # The fraction converges fast only left of the mean; use the symmetry on the right.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def beta_pdf(x: float, a: float, b: float) -> float:
    if x <= 0.0 or x >= 1.0:
        return 0.0
    return math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - _log_beta(a, b))


def beta_ppf(q: float, a: float, b: float) -> float:
    """Quantile of Beta(a, b): Newton steps, falling back to bisection inside a shrinking bracket."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"Quantile level must be in [0, 1], got {q}")
    if q in (0.0, 1.0):
        return q
    lo, hi, x = 0.0, 1.0, a / (a + b)
    for _ in range(200):
        error = beta_cdf(x, a, b) - q
        if abs(error) < 1e-13:
            return x
        lo, hi = (x, hi) if error < 0 else (lo, x)
        slope = beta_pdf(x, a, b)
        step = x - error / slope if slope > 0 else -1.0
        x = step if lo < step < hi else (lo + hi) / 2.0
        if hi - lo < 1e-15:
            break
    return x


# --- Track records ---


@dataclass(frozen=True)
class BetaRecord:
    """Beta posterior over how often a source's checked claims were true."""

    mean: float
    lo: float  # 5% quantile: with `hi`, the 90% equal-tailed credible interval
    hi: float
    effective_n: float  # sum of decayed weights: how many fresh outcomes the record is worth
    count: int  # raw number of outcomes used
    alpha: float
    beta: float
    by_topic: dict[str, BetaRecord] = field(default_factory=dict)
    note: str = SELECTION_NOTE

    @property
    def interval(self) -> tuple[float, float]:
        return (self.lo, self.hi)


def decay_weight(when: datetime, now: datetime, half_life_days: float | None) -> float:
    """0.5 ** (age / half-life); outcomes dated in the future count as fresh."""
    if half_life_days is None:
        return 1.0
    if half_life_days <= 0:
        raise ValueError(f"half_life_days must be positive or None, got {half_life_days}")
    age_days = max(0.0, (now - when).total_seconds() / 86400.0)
    return 0.5 ** (age_days / half_life_days)


def _posterior(weighted: Iterable[tuple[float, float]], prior: tuple[float, float]) -> BetaRecord:
    alpha, beta = prior
    if alpha <= 0 or beta <= 0:
        raise ValueError(f"Prior pseudo-counts must be positive, got {prior}")
    total, count = 0.0, 0
    for truth, weight in weighted:
        alpha += weight * truth
        beta += weight * (1.0 - truth)
        total += weight
        count += 1
    return BetaRecord(
        mean=alpha / (alpha + beta),
        lo=beta_ppf(0.05, alpha, beta),
        hi=beta_ppf(0.95, alpha, beta),
        effective_n=total,
        count=count,
        alpha=alpha,
        beta=beta,
    )


def track_record(
    outcomes: Iterable[tuple[float, datetime, str | None]],
    now: datetime,
    half_life_days: float | None = None,
    prior: tuple[float, float] = (1.0, 1.0),
) -> BetaRecord:
    """Beta posterior of a source's truthfulness from (truth_value, when, topic) outcomes.

    1. Weigh each outcome by its age (exponential decay; no decay when half_life_days is None).
    2. Add weight * truth to alpha and weight * (1 - truth) to beta, starting from `prior`.
    3. Repeat per topic (same prior) for `by_topic`.
    """
    weighted_by_topic: dict[str, list[tuple[float, float]]] = {}
    weighted = []
    for truth, when, topic in outcomes:
        if not 0.0 <= truth <= 1.0:
            raise ValueError(f"Truth values must be in [0, 1], got {truth}")
        item = (truth, decay_weight(when, now, half_life_days))
        weighted.append(item)
        if topic is not None:
            weighted_by_topic.setdefault(topic, []).append(item)
    overall = _posterior(weighted, prior)
    topics = {topic: _posterior(items, prior) for topic, items in sorted(weighted_by_topic.items())}
    return replace(overall, by_topic=topics)
