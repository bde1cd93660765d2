"""The learning maths behind the suggested credibility: pure Python, no Django.

`verification.credibility.fitting` fits these on the desk's own published
verdicts and `verification.credibility.suggestions` applies them to one claim;
nothing else in the product learns or predicts. Three pieces:

* `fit_logistic`: logistic regression by Newton's method with a Gaussian prior
  on every coefficient (a mean and a precision). A new desk with a handful of
  verdicts gets the prior's weights back, with an honest, wide covariance; a
  desk with thousands gets what its history says.
* `fit_platt`: Platt scaling (sigmoid(a + b z)) fitted on held-out history, with a
  prior that pulls it towards doing nothing when there is little to fit on.
* `TextModel`: a bag-of-words logistic score of the claim's wording, fitted by
  stochastic gradient descent: small, stored as a word -> weight table.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from sources.text import words

Z_90 = 1.6448536269514722  # the standard normal's 95th percentile: a 90 % two-sided interval


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def shrunk(total: float, count: float, centre: float, strength: float) -> float:
    """A rate of `total` successes in `count` trials, shrunk towards `centre` by `strength` pseudo-trials."""
    return (total + strength * centre) / (max(count, 0.0) + strength)


def relative_logit(total: float, count: float, centre: float, strength: float) -> float:
    """How far a shrunk rate sits from `centre`, in log-odds: 0 when there is no history."""
    return logit(shrunk(total, count, centre, strength)) - logit(centre)


# --- Logistic regression with a Gaussian prior ------------------------------------------


@dataclass(frozen=True)
class Logistic:
    """z = bias + sum(weight * feature); `covariance` is over (bias, *weights), in `names` order."""

    names: tuple[str, ...]
    bias: float
    weights: tuple[float, ...]
    covariance: tuple[tuple[float, ...], ...]

    def vector(self, features: Mapping[str, float]) -> list[float]:
        return [1.0] + [features.get(name, 0.0) for name in self.names]

    def z(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(w * features.get(name, 0.0) for name, w in zip(self.names, self.weights))

    def z_sd(self, features: Mapping[str, float]) -> float:
        """Standard deviation of z from the coefficients' uncertainty (the delta method)."""
        x = self.vector(features)
        var = sum(x[i] * sum(row[j] * x[j] for j in range(len(x))) for i, row in enumerate(self.covariance))
        return math.sqrt(max(var, 0.0))

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of z, in log-odds: what moved the number, and which way."""
        return {name: w * features.get(name, 0.0) for name, w in zip(self.names, self.weights)}

    def as_dict(self) -> dict:
        return {
            "names": list(self.names),
            "bias": self.bias,
            "weights": list(self.weights),
            "covariance": [list(row) for row in self.covariance],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Logistic:
        return cls(
            names=tuple(data["names"]),
            bias=float(data["bias"]),
            weights=tuple(float(w) for w in data["weights"]),
            covariance=tuple(tuple(float(v) for v in row) for row in data["covariance"]),
        )


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    outcomes: Sequence[float],
    prior_mean: Mapping[str, float],
    prior_precision: Mapping[str, float],
    bias_prior: tuple[float, float],
    iterations: int = 25,
) -> Logistic:
    """Maximum a posteriori logistic regression by Newton's method.

    1. The features are the keys of `prior_mean`, so a feature with no variation in the
       history (say, evidence on a desk that never records any) keeps its prior weight.
    2. Each Newton step solves (H + Lambda) step = gradient + Lambda (w - mean).
    3. The covariance is the inverse of that penalised Hessian at the optimum: the
       coefficients' uncertainty, which gives the suggestion its interval.
    """
    names = tuple(sorted(prior_mean))
    means = [bias_prior[0], *(prior_mean[n] for n in names)]
    precisions = [bias_prior[1], *(prior_precision[n] for n in names)]
    xs = [[1.0] + [row.get(name, 0.0) for name in names] for row in rows]
    coef = list(means)
    hessian = _hessian(xs, coef, precisions)
    for _ in range(iterations):
        gradient = [p * (c - m) for c, m, p in zip(coef, means, precisions)]
        for x, y in zip(xs, outcomes):
            err = sigmoid(sum(c * v for c, v in zip(coef, x))) - y
            for i, v in enumerate(x):
                gradient[i] += err * v
        step = _solve(hessian, gradient)
        coef = [c - s for c, s in zip(coef, step)]
        hessian = _hessian(xs, coef, precisions)
        if max(map(abs, step)) < 1e-7:
            break
    covariance = _inverse(hessian)
    return Logistic(names, coef[0], tuple(coef[1:]), tuple(tuple(row) for row in covariance))


def _hessian(xs, coef, precisions) -> list[list[float]]:
    d = len(coef)
    hess = [[precisions[i] if i == j else 0.0 for j in range(d)] for i in range(d)]
    for x in xs:
        p = sigmoid(sum(c * v for c, v in zip(coef, x)))
        s = p * (1.0 - p)
        nonzero = [(i, v) for i, v in enumerate(x) if v]
        for i, vi in nonzero:
            row = hess[i]
            for j, vj in nonzero:
                if j >= i:
                    row[j] += s * vi * vj
    for i in range(d):
        for j in range(i):
            hess[i][j] = hess[j][i]
    return hess


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting; the systems here are a dozen rows."""
    n = len(rhs)
    a = [row[:] + [b] for row, b in zip(matrix, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-300:
            raise ArithmeticError(gettext("singular system: every coefficient needs a positive prior precision"))
        for r in range(n):
            if r != col and a[r][col]:
                factor = a[r][col] / a[col][col]
                a[r] = [v - factor * w for v, w in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def _inverse(matrix: list[list[float]]) -> list[list[float]]:
    n = len(matrix)
    columns = [_solve(matrix, [1.0 if i == j else 0.0 for i in range(n)]) for j in range(n)]
    return [[columns[j][i] for j in range(n)] for i in range(n)]


# --- Platt scaling ---------------------------------------------------------------------


@dataclass(frozen=True)
class Platt:
    """P = sigmoid(a + b z): the map from the model's log-odds to calibrated probability."""

    a: float = 0.0
    b: float = 1.0

    def __call__(self, z: float) -> float:
        return sigmoid(self.a + self.b * z)

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b}


def fit_platt(zs: Sequence[float], outcomes: Sequence[float], precision: float = 10.0) -> Platt:
    """Platt scaling on held-out (z, outcome) pairs, pulled towards the identity (a=0, b=1)."""
    fitted = fit_logistic(
        [{"z": z} for z in zs],
        outcomes,
        prior_mean={"z": 1.0},
        prior_precision={"z": precision},
        bias_prior=(0.0, precision),
    )
    return Platt(fitted.bias, fitted.weights[0])


# --- The wording of a claim ------------------------------------------------------------


def tokens(text: str) -> set[str]:
    """The words a text model reads: `sources.text.words`, each counted once."""
    return set(words(text))


@dataclass(frozen=True)
class TextModel:
    """score(text) = mean-scaled sum of word weights: the log-odds the wording alone adds."""

    weights: Mapping[str, float]

    def score(self, text: str) -> float:
        found = tokens(text)
        return sum(self.weights.get(w, 0.0) for w in found) / math.sqrt(len(found) + 1)

    def telling_words(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The words that moved the score most, with their weight."""
        found = [(w, self.weights[w]) for w in tokens(text) if w in self.weights]
        return sorted(found, key=lambda item: (-abs(item[1]), item[0]))[:limit]  # ties alphabetically


def fit_text_model(
    texts: Sequence[str],
    targets: Sequence[float],
    l2: float = 1e-4,
    epochs: int = 12,
    min_count: int = 2,
    max_words: int = 20_000,
    seed: int = 2017,
) -> TextModel:
    """Logistic regression on words by SGD, targets in [0, 1] (soft labels are fine).

    The bias is fitted but not kept: the suggestion's own model carries the base rate,
    so the score says only how the wording moves it. Words seen fewer than `min_count`
    times are left out, and at most `max_words` of the most frequent are kept.
    """
    docs = [tokens(t) for t in texts]
    counts: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    vocabulary = {w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_words] if _ >= min_count}
    docs = [[w for w in sorted(doc) if w in vocabulary] for doc in docs]
    weights: dict[str, float] = dict.fromkeys(vocabulary, 0.0)
    bias, order, rng = 0.0, list(range(len(docs))), random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        rate = 0.1 / (1 + epoch)
        for i in order:
            doc = docs[i]
            scale = 1.0 / math.sqrt(len(doc) + 1)
            err = sigmoid(bias + scale * sum(weights[w] for w in doc)) - targets[i]
            bias -= rate * err
            for w in doc:
                weights[w] -= rate * (err * scale + l2 * weights[w])
    return TextModel({w: round(v, 5) for w, v in weights.items() if abs(v) >= 1e-4})


def out_of_fold_scores(texts: Sequence[str], targets: Sequence[float], folds: int = 5, seed: int = 2017) -> list[float]:
    """Each text's score from a model fitted without it: what the wording is worth on a new claim."""
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    scores = [0.0] * len(texts)
    for fold in range(min(folds, len(texts))):
        held = set(order[fold::folds])
        if len(held) == len(texts):
            break
        model = fit_text_model(
            [t for i, t in enumerate(texts) if i not in held], [y for i, y in enumerate(targets) if i not in held]
        )
        for i in held:
            scores[i] = model.score(texts[i])
    return scores
