"""LIAR benchmark: how good is the suggested prior at guessing a PolitiFact verdict before checking?

    python -m bench.liar [DATA_DIR]      # default: ../shared/data/liar next to the repo

Speakers become sources (their party an affiliation in the source graph), every
track record is built by `sources.credibility.records.track_record` from TRAIN labels
only, and `sources.credibility.prior.suggested_prior` turns them into P(true)
for each TEST statement. The blend weights and the six-way cut points are fitted
on 5-fold cross-fitted TRAIN rows; VALID is scored as a check, TEST only scored.

Columns 9-13 (the speaker's "credit history") are never read: they count the
statement's own label, including for TEST rows.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sources.credibility.calibration import brier, expected_calibration_error
from sources.credibility.independence import SourceGraph, SourceNode
from sources.credibility.prior import (
    ClaimIndex,
    PriorBlend,
    fit_blend,
    prior_features,
    suggested_prior,
)
from sources.credibility.records import BetaRecord, track_record

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "liar"
SPLITS = ("train", "valid", "test")
LABELS = ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")  # least to most true
BINARY_TRUE = frozenset({"half-true", "mostly-true", "true"})  # the usual LIAR binary split
WANG_2017_ACC6 = 0.274  # hybrid CNN, text + all metadata (credit history included), test set
# LIAR rows carry no dates, so records use no decay and one reference time.
REFERENCE_TIME = datetime(2017, 4, 23, tzinfo=UTC)
PRIOR_STRENGTH = 4.0  # pseudo-statements each record starts with, at the TRAIN base rate
SIMILAR_CLAIMS = 60  # neighbours per claim; chosen on VALID (10/30/60/100/200 tried)
FOLDS = 5
METADATA_KINDS = ("subject", "context", "job", "state")


class DataError(Exception):
    """The LIAR files are missing or not in the expected format."""


@dataclass(frozen=True)
class Statement:
    label: str
    text: str
    subjects: tuple[str, ...]
    speaker: str
    job: str
    state: str
    party: str
    context: str

    @property
    def truth(self) -> float:
        return 1.0 if self.label in BINARY_TRUE else 0.0

    @property
    def source_id(self) -> str:
        return "speaker:" + self.speaker

    def metadata(self) -> dict[str, tuple[str, ...]]:
        """Metadata values by kind; free text is normalised so 'a tweet' and 'A tweet.' meet."""

        def norm(value: str) -> tuple[str, ...]:
            value = " ".join(value.lower().replace(".", "").split())
            return (value,) if value else ()

        return {
            "subject": self.subjects,
            "context": norm(self.context),
            "job": norm(self.job),
            "state": norm(self.state),
        }


def load_split(path: Path) -> list[Statement]:
    """Read one LIAR TSV (no header; QUOTE_NONE because statements contain quotes)."""
    statements = []
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if len(row) != 14 or row[1] not in LABELS:
                raise DataError(f"{path}:{line_no}: expected 14 tab-separated fields and a LIAR label; got {row[:2]}")
            # Deliberately no row[8:13]: the credit-history counts include this statement's label.
            statements.append(
                Statement(
                    label=row[1],
                    text=row[2],
                    subjects=tuple(s for s in row[3].split(",") if s),
                    speaker=row[4],
                    job=row[5],
                    state=row[6],
                    party=row[7] or "none",
                    context=row[13],
                )
            )
    return statements


def build_graph(statements: list[Statement]) -> SourceGraph:
    """Speakers as people affiliated with their party (labels are not used here, only metadata)."""
    graph = SourceGraph()
    for s in statements:
        party_id = "party:" + s.party
        if party_id not in graph.nodes:
            graph.add(SourceNode(id=party_id, name=s.party, kind="organisation"))
        if s.source_id not in graph.nodes:
            graph.add(SourceNode(id=s.source_id, name=s.speaker, kind="person", affiliations=(party_id,)))
    return graph


@dataclass
class Knowledge:
    """Everything learned from one set of labelled statements."""

    base: float
    records: dict[str, dict[str, BetaRecord]]  # kind -> key -> record
    index: ClaimIndex


def _group_keys(s: Statement, graph: SourceGraph) -> dict[str, tuple[str, ...]]:
    return {"source": (s.source_id,), "affiliation": tuple(graph.affiliations(s.source_id)), **s.metadata()}


def learn(statements: list[Statement], graph: SourceGraph) -> Knowledge:
    """Track records per source, per affiliation and per metadata value, plus the claim index."""
    if not statements:
        raise DataError("No labelled TRAIN statements to learn track records from; train.tsv needs rows.")
    base = min(max(sum(s.truth for s in statements) / len(statements), 0.01), 0.99)
    outcomes: dict[str, dict[str, list]] = {}
    index = ClaimIndex()
    for s in statements:
        for kind, keys in _group_keys(s, graph).items():
            for key in keys:
                outcomes.setdefault(kind, {}).setdefault(key, []).append((s.truth, REFERENCE_TIME, None))
        index.add(s.text, s.truth)
    prior = (PRIOR_STRENGTH * base, PRIOR_STRENGTH * (1.0 - base))
    records = {
        kind: {key: track_record(items, REFERENCE_TIME, prior=prior) for key, items in by_key.items()}
        for kind, by_key in outcomes.items()
    }
    return Knowledge(base=base, records=records, index=index)


def prior_inputs(s: Statement, known: Knowledge, graph: SourceGraph):
    """The arguments `suggested_prior` takes for one statement: source, affiliation and similar-claim records."""
    keys = _group_keys(s, graph)
    records = {
        kind: [known.records[kind][k] for k in keys[kind] if k in known.records.get(kind, {})]
        for kind in ("affiliation", *METADATA_KINDS)
    }
    source = known.records["source"].get(s.source_id)
    return source, records, known.index.similar(s.text, k=SIMILAR_CLAIMS)


def cross_fitted_features(train: list[Statement], graph: SourceGraph) -> list[dict[str, float]]:
    """Blend features for each TRAIN row from records that never saw that row (5 folds)."""
    order = list(range(len(train)))
    random.Random(2017).shuffle(order)
    rows: list[dict[str, float]] = [{} for _ in train]
    for fold in range(min(FOLDS, len(train))):
        held = set(order[fold::FOLDS])
        known = learn([s for i, s in enumerate(train) if i not in held], graph)
        for i in held:
            rows[i] = prior_features(*prior_inputs(train[i], known, graph), centre=known.base)
    return rows


def fit_six_way_cuts(probs: list[float], labels: list[str], bins: int = 100) -> list[float]:
    """Five cut points on P(true) that maximise six-way accuracy, by dynamic programming over quantile bins.

    1. Sort the predictions into `bins` equal-count bins; prefix[c][j] counts label c in bins < j.
    2. best[c][j]: most correct rows when bins < j are labelled with classes <= c, in order.
    3. Walk back to the bin boundaries and turn them into probabilities.
    """
    pairs = sorted(zip(probs, labels))
    edges = sorted({round(i * len(pairs) / bins) for i in range(bins + 1)})
    n = len(edges) - 1
    prefix = [[0] * (n + 1) for _ in LABELS]
    for c, label in enumerate(LABELS):
        for j in range(n):
            prefix[c][j + 1] = prefix[c][j] + sum(lab == label for _, lab in pairs[edges[j] : edges[j + 1]])
    best, back = [prefix[0][:]], []
    for c in range(1, len(LABELS)):
        row, arg = [], []
        for j in range(n + 1):
            i = max(range(j + 1), key=lambda i: best[-1][i] - prefix[c][i])
            row.append(best[-1][i] + prefix[c][j] - prefix[c][i])
            arg.append(i)
        best.append(row)
        back.append(arg)
    boundaries, j = [], n
    for arg in reversed(back):
        j = arg[j]
        boundaries.append(j)
    # A boundary at bin b puts everything up to the last prediction of bin b-1 in the lower class.
    return [pairs[edges[b] - 1][0] if b else -1.0 for b in reversed(boundaries)]


def six_way(p: float, cuts: list[float]) -> str:
    return LABELS[sum(p > c for c in cuts)]


def scores(pairs: list[tuple[float, str, Statement]]) -> dict:
    """acc2, Brier, ECE and acc6 of (P(true), six-way guess, statement) triples; None when empty."""
    if not pairs:
        return {"n": 0, "acc2": None, "brier": None, "ece": None, "acc6": None}
    binary = [(p, s.truth) for p, _, s in pairs]
    return {
        "n": len(pairs),
        "acc2": sum((p >= 0.5) == (y == 1.0) for p, y in binary) / len(pairs),
        "brier": brier(binary),
        "ece": expected_calibration_error(binary, bins=10),
        "acc6": sum(guess == s.label for _, guess, s in pairs) / len(pairs),
    }


def evaluate(probs: list[float], guesses: list[str], statements: list[Statement], seen: set[str]) -> dict:
    """Scores overall and split by whether the speaker appears in TRAIN."""
    triples = list(zip(probs, guesses, statements))
    return {
        "all": scores(triples),
        "seen": scores([t for t in triples if t[2].speaker in seen]),
        "unseen": scores([t for t in triples if t[2].speaker not in seen]),
    }


def _fmt(value, digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: dict[str, dict], blend: PriorBlend) -> None:
    print(f"{'model':<16}{'speakers':<9}{'n':>6}{'acc2':>8}{'brier':>8}{'ece':>8}{'acc6':>8}")
    for name, parts in results.items():
        for part, m in parts.items():
            print(
                f"{name:<16}{part:<9}{m['n']:>6}{_fmt(m['acc2']):>8}{_fmt(m['brier'], 4):>8}"
                f"{_fmt(m['ece']):>8}{_fmt(m['acc6']):>8}"
            )
    weights = ", ".join(f"{k} {v:+.2f}" for k, v in sorted(blend.weights.items()))
    print(f"blend fitted on cross-fitted TRAIN: bias {blend.bias:+.2f}, {weights}; centre {blend.centre:.3f}")
    print(
        f"six-way for comparison: Wang 2017 reports {WANG_2017_ACC6} on TEST "
        "(hybrid CNN, text + all metadata including the leaky credit history)."
    )


def load_all(data_dir: Path) -> dict[str, list[Statement]]:
    missing = [f"{split}.tsv" for split in SPLITS if not (data_dir / f"{split}.tsv").is_file()]
    if missing:
        raise DataError(
            f"LIAR data not found in {data_dir} (missing {', '.join(missing)}). "
            "Pass the folder holding train.tsv, valid.tsv and test.tsv: python -m bench.liar DATA_DIR"
        )
    return {split: load_split(data_dir / f"{split}.tsv") for split in SPLITS}


def run(data_dir: Path) -> dict:
    """1. Load; 2. fit the blend and six-way cuts on cross-fitted TRAIN; 3. learn from all of TRAIN;
    4. score TEST (and VALID as a check) beside a majority baseline; 5. print the table, return the summary."""
    started = time.monotonic()
    data = load_all(data_dir)
    train = data["train"]
    graph = build_graph([s for split in SPLITS for s in data[split]])
    known = learn(train, graph)
    train_rows = cross_fitted_features(train, graph)
    blend = fit_blend(train_rows, [s.truth for s in train], centre=known.base)
    cuts = fit_six_way_cuts([blend.probability(row) for row in train_rows], [s.label for s in train])
    seen = {s.speaker for s in train}
    results = {}
    for split in ("test", "valid"):
        probs = [suggested_prior(*prior_inputs(s, known, graph), blend=blend) for s in data[split]]
        results[f"prior {split}"] = evaluate(probs, [six_way(p, cuts) for p in probs], data[split], seen)
    majority_label = max(LABELS, key=[s.label for s in train].count)
    test = data["test"]
    results["majority test"] = evaluate([known.base] * len(test), [majority_label] * len(test), test, seen)
    results = {name: results[name] for name in ("prior test", "majority test", "prior valid")}
    print_table(results, blend)
    prior, majority = results["prior test"], results["majority test"]["all"]
    return {
        "acc6": prior["all"]["acc6"],
        "acc2": prior["all"]["acc2"],
        "brier": prior["all"]["brier"],
        "ece": prior["all"]["ece"],
        "acc2_unseen": prior["unseen"]["acc2"],
        "brier_majority": majority["brier"],
        "acc2_seen": prior["seen"]["acc2"],
        "brier_unseen": prior["unseen"]["brier"],
        "acc6_unseen": prior["unseen"]["acc6"],
        "n_test": prior["all"]["n"],
        "n_unseen": prior["unseen"]["n"],
        "acc2_majority": majority["acc2"],
        "acc6_majority": majority["acc6"],
        "acc6_wang2017": WANG_2017_ACC6,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA_DIR
    try:
        summary = run(data_dir)
    except DataError as error:
        print(f"bench.liar: {error}", file=sys.stderr)
        return 2
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
