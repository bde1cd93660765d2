"""Calibration metrics: do stated probabilities match how often things turned out true?

Pure Python, no Django. Two callers share them so their figures mean the same:
the LIAR benchmark scores the suggested prior with them (`python -m bench.liar`),
and `verification.credibility.calibration` scores each reviewer's confidence
against how their verdicts held up. Inputs are (predicted probability, outcome)
pairs, both in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CalibrationBin:
    lo: float
    hi: float
    count: int
    mean_predicted: float | None  # None for an empty bin
    observed: float | None


def _checked_pairs(pairs: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    pairs = [(float(p), float(y)) for p, y in pairs]
    if not pairs:
        raise ValueError("Calibration needs at least one (probability, outcome) pair")
    for p, y in pairs:
        if not (0.0 <= p <= 1.0 and 0.0 <= y <= 1.0):
            raise ValueError(f"Probabilities and outcomes must be in [0, 1], got ({p}, {y})")
    return pairs


def brier(pairs: Iterable[tuple[float, float]]) -> float:
    """Mean squared error of (predicted probability, outcome) pairs."""
    pairs = _checked_pairs(pairs)
    return sum((p - y) ** 2 for p, y in pairs) / len(pairs)


def reliability_diagram(pairs: Iterable[tuple[float, float]], bins: int = 10) -> list[CalibrationBin]:
    """Equal-width bins over [0, 1]; p == 1.0 falls into the last bin."""
    pairs = _checked_pairs(pairs)
    members: list[list[tuple[float, float]]] = [[] for _ in range(bins)]
    for p, y in pairs:
        members[min(int(p * bins), bins - 1)].append((p, y))
    result = []
    for i, items in enumerate(members):
        n = len(items)
        result.append(
            CalibrationBin(
                lo=i / bins,
                hi=(i + 1) / bins,
                count=n,
                mean_predicted=sum(p for p, _ in items) / n if n else None,
                observed=sum(y for _, y in items) / n if n else None,
            )
        )
    return result


def expected_calibration_error(pairs: Iterable[tuple[float, float]], bins: int = 10) -> float:
    """Count-weighted mean gap between predicted and observed frequency over the bins."""
    diagram = reliability_diagram(pairs, bins)
    total = sum(b.count for b in diagram)
    return sum(b.count * abs(b.mean_predicted - b.observed) for b in diagram if b.count) / total
