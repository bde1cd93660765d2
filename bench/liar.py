"""LIAR benchmark: the suggested credibility editors see, measured through the product's own path.

    python -m bench.liar [DATA_DIR]      # default: ../shared/data/liar next to the repo

1. A fresh desk: a new SQLite database in a temporary folder, migrated; never the desk's own.
2. LIAR's train split becomes the desk's published history through the product's write
   functions: a source per speaker with its party as parent organisation (political parties
   are also sides of one conflict, "US party politics", so support from one party alone is
   party-only support), and per statement a claim with its speaker's "stated" attribution and
   its subjects as tags, assessed by a fact-checker and signed off by an editor with the
   label's verdict (VERDICTS).
3. Track records are recomputed and the suggestion's model is fitted by the functions the
   desk's own tasks call (`track_records.recompute_all`, `fitting.refit`).
4. Each valid and test statement is created as a new claim with its speaker's "stated"
   attribution, and `suggest_for_claim`, the function behind the claim page and the API,
   gives its probability and grade. Only the six-way cut points (acc6) are tuned, on valid;
   test is only scored.

LIAR's usual binary split counts half-true, mostly-true and true as true; the verdicts are
mapped so that is exactly "rated true or likely true", the event the suggestion predicts.
Columns 9-13 (the speaker's "credit history") are never read: they count the statement's own
label, including for test rows. The last line of the output is one JSON object.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sources.credibility.calibration import brier, expected_calibration_error

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "liar"
SPLITS = ("train", "valid", "test")
LABELS = ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")  # least to most true
BINARY_TRUE = frozenset({"half-true", "mostly-true", "true"})  # the usual LIAR binary split
VERDICTS = {
    "pants-fire": "false",
    "false": "false",
    "barely-true": "misleading",
    "half-true": "likely_true",  # true-ish in LIAR's binary split, so "likely true" here
    "mostly-true": "likely_true",
    "true": "confirmed",
}
# Parties in the political sense: their members' support is one side's word. The other values of
# LIAR's party column ("organization", "journalist", ...) are groupings, organisations but no side.
POLITICAL_PARTIES = frozenset(
    {
        "republican",
        "democrat",
        "libertarian",
        "green",
        "constitution-party",
        "democratic-farmer-labor",
        "tea-party-member",
    }
)
CONFLICT = "US party politics"
# The one suggestion: the claim page and the API call this same function (tests/bench checks it).
SUGGESTION_FUNCTION = "verification.credibility.suggestions.suggest_for_claim"
WANG_2017_ACC6 = 0.274  # hybrid CNN, text + all metadata (credit history included), test set
BATCH = 500  # statements written per transaction while loading


class DataError(Exception):
    """The LIAR files are missing or not in the expected format."""


@dataclass(frozen=True)
class Statement:
    label: str
    text: str
    subjects: tuple[str, ...]
    speaker: str
    party: str

    @property
    def truth(self) -> float:
        return 1.0 if self.label in BINARY_TRUE else 0.0


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
                    text=row[2].strip(),
                    subjects=tuple(s.strip() for s in row[3].split(",") if s.strip()),
                    speaker=row[4].strip() or "unknown",
                    party=row[7].strip() or "none",
                )
            )
    return statements


def load_all(data_dir: Path) -> dict[str, list[Statement]]:
    missing = [f"{split}.tsv" for split in SPLITS if not (data_dir / f"{split}.tsv").is_file()]
    if missing:
        raise DataError(
            f"LIAR data not found in {data_dir} (missing {', '.join(missing)}). "
            "Pass the folder holding train.tsv, valid.tsv and test.tsv: python -m bench.liar DATA_DIR"
        )
    return {split: load_split(data_dir / f"{split}.tsv") for split in SPLITS}


# --- A fresh desk ---------------------------------------------------------------------


def start_django(folder: Path) -> None:
    """Django on a new SQLite database in `folder`, migrated; tasks go to an in-memory broker
    (no worker runs: the benchmark calls the functions the tasks call, in order)."""
    for name in ("DATABASE_URL", "SQLITE_PATH", "CELERY_BROKER_URL", "CACHE_URL", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CLAIMDESK_VAR_DIR": str(folder),
            "CELERY_BROKER_URL": "memory://",
            "DEBUG": "0",  # DEBUG would keep every query in memory
            "SECRET_KEY": "bench-liar-only-" + "x" * 48,
            "ALLOWED_HOSTS": "localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


class Desk:
    """The desk's people and sources, made as an installation would make them."""

    def __init__(self, statements: list[Statement]):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from sources.models import Conflict, ConflictParty, Source
        from sources.roles import EDITORS, FACT_CHECKERS, ensure_roles

        ensure_roles()
        users = get_user_model().objects
        self.editor = users.create(username="liar-editor")
        self.editor.groups.add(Group.objects.get(name=EDITORS))
        self.checker = users.create(username="liar-factchecker")
        self.checker.groups.add(Group.objects.get(name=FACT_CHECKERS))
        self.editor, self.checker = users.get(pk=self.editor.pk), users.get(pk=self.checker.pk)  # fresh perm caches
        conflict = Conflict.objects.create(
            name=CONFLICT, description="Parties' claims about each other and themselves."
        )
        self.parties: dict[str, Source] = {}
        for party in sorted({s.party for s in statements} - {"none"}):
            org = Source.objects.create(name=f"{party} (party affiliation)", kind="other", country="US")
            if party in POLITICAL_PARTIES:
                ConflictParty.objects.create(source=org, conflict=conflict, side=party)
            self.parties[party] = org
        self.speakers: dict[str, Source] = {}
        for s in statements:
            if s.speaker not in self.speakers:
                self.speakers[s.speaker] = Source.objects.create(
                    name=s.speaker[:300], kind="person", country="US", parent=self.parties.get(s.party)
                )

    def new_claim(self, s: Statement):
        """A claim as the desk's form or the API makes one: the statement, its speaker stating it, its subjects."""
        from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

        stated = [AttributionInput(source=self.speakers[s.speaker], role="stated")]
        return create_claim(self.editor, ClaimInput(text=s.text, tags=list(s.subjects), attributions=stated))

    def publish(self, s: Statement) -> None:
        """Through the review queue's own moves: handed to the fact-checker, assessed, signed off."""
        from verification.workflow import transitions

        claim = self.new_claim(s)
        transitions.reassign(self.editor, claim.pk, self.checker, note="LIAR train")
        transitions.assess(
            self.checker, claim.pk, verdict=VERDICTS[s.label], confidence=0.8, rationale=f"PolitiFact: {s.label}"
        )
        transitions.sign_off(self.editor, claim.pk)


def load_history(desk: Desk, train: list[Statement], log) -> None:
    from django.db import transaction

    for start in range(0, len(train), BATCH):
        with transaction.atomic():  # one commit per batch: SQLite's fsync per move would dominate
            for s in train[start : start + BATCH]:
                desk.publish(s)
        log(f"published {min(start + BATCH, len(train))} of {len(train)} train statements")


def suggest_all(desk: Desk, statements: list[Statement], log, name: str) -> list[tuple[float, int]]:
    """(probability, grade) of each statement, created as a new claim and read by the claim page's function."""
    from django.utils.module_loading import import_string

    suggest_for_claim = import_string(SUGGESTION_FUNCTION)
    results = []
    for i, s in enumerate(statements, 1):
        suggestion = suggest_for_claim(desk.new_claim(s))
        results.append((suggestion.probability, suggestion.grade))
        if i % 500 == 0:
            log(f"{name}: {i} of {len(statements)} suggested")
    return results


# --- Scores -------------------------------------------------------------------------------


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


def scores(rows: list[tuple[float, str, Statement]]) -> dict:
    """acc2, Brier, ECE, log loss and acc6 of (P(true), six-way guess, statement) rows; None when empty."""
    if not rows:
        return {"n": 0, "acc2": None, "brier": None, "ece": None, "log_loss": None, "acc6": None}
    binary = [(p, s.truth) for p, _, s in rows]
    clipped = [(min(max(p, 1e-6), 1 - 1e-6), y) for p, y in binary]
    return {
        "n": len(rows),
        "acc2": sum((p >= 0.5) == (y == 1.0) for p, y in binary) / len(rows),
        "brier": brier(binary),
        "ece": expected_calibration_error(binary, bins=10),
        "log_loss": -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in clipped) / len(rows),
        "acc6": sum(guess == s.label for _, guess, s in rows) / len(rows),
    }


def evaluate(probs: list[float], guesses: list[str], statements: list[Statement], seen: set[str]) -> dict:
    """Scores overall and split by whether the speaker appears in train."""
    rows = list(zip(probs, guesses, statements))
    return {
        "all": scores(rows),
        "seen": scores([r for r in rows if r[2].speaker in seen]),
        "unseen": scores([r for r in rows if r[2].speaker not in seen]),
    }


def by_grade(results: list[tuple[float, int]], statements: list[Statement]) -> dict[str, dict]:
    """Per suggested grade: how many, and the share of them LIAR calls true (half-true or better)."""
    table: dict[str, dict] = {}
    for grade in range(1, 7):
        truths = [s.truth for (_, g), s in zip(results, statements) if g == grade]
        table[str(grade)] = {"count": len(truths), "rate": round(sum(truths) / len(truths), 4) if truths else None}
    return table


def _fmt(value, digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: dict[str, dict], grades: dict[str, dict]) -> None:
    print(f"{'model':<18}{'speakers':<9}{'n':>6}{'acc2':>8}{'brier':>8}{'ece':>8}{'logloss':>9}{'acc6':>8}")
    for name, parts in results.items():
        for part, m in parts.items():
            print(
                f"{name:<18}{part:<9}{m['n']:>6}{_fmt(m['acc2']):>8}{_fmt(m['brier'], 4):>8}"
                f"{_fmt(m['ece']):>8}{_fmt(m['log_loss'], 4):>9}{_fmt(m['acc6']):>8}"
            )
    print(
        "suggested grade on test: "
        + ", ".join(f"{g}: {v['count']} ({_fmt(v['rate'], 2)} true)" for g, v in grades.items())
    )
    print(
        f"six-way for comparison: Wang 2017 reports {WANG_2017_ACC6} on TEST "
        "(hybrid CNN, text + all metadata including the leaky credit history)."
    )


def run(data_dir: Path) -> dict:
    """1. Read the files; 2. load train into a fresh desk; 3. refit as the desk does;
    4. suggest for valid (tune the six-way cuts) and test; 5. print the table, return the summary."""
    started = time.monotonic()
    data = load_all(data_dir)

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    folder = Path(tempfile.mkdtemp(prefix="claimdesk-liar-"))
    try:
        start_django(folder)
        from verification.credibility import fitting, track_records

        desk = Desk([s for split in SPLITS for s in data[split]])
        load_history(desk, data["train"], log)
        track_records.recompute_all()
        model = fitting.refit()
        log(f"model fitted on {model.verdicts} verdicts (held out: {model.held_out})")
        valid = suggest_all(desk, data["valid"], log, "valid")
        test = suggest_all(desk, data["test"], log, "test")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return summarise(data, valid, test, time.monotonic() - started)


def summarise(data, valid: list[tuple[float, int]], test: list[tuple[float, int]], seconds: float) -> dict:
    train = data["train"]
    seen = {s.speaker for s in train}
    cuts = fit_six_way_cuts([p for p, _ in valid], [s.label for s in data["valid"]])
    results = {}
    for split, found in (("test", test), ("valid", valid)):
        probs = [p for p, _ in found]
        results[f"suggestion {split}"] = evaluate(probs, [six_way(p, cuts) for p in probs], data[split], seen)
    base = sum(s.truth for s in train) / len(train)
    majority_label = max(LABELS, key=[s.label for s in train].count)
    n_test = len(data["test"])
    results["majority test"] = evaluate([base] * n_test, [majority_label] * n_test, data["test"], seen)
    results = {name: results[name] for name in ("suggestion test", "majority test", "suggestion valid")}
    grades = by_grade(test, data["test"])
    print_table(results, grades)
    ours, majority, checked = results["suggestion test"], results["majority test"]["all"], results["suggestion valid"]
    return {
        "acc6": ours["all"]["acc6"],
        "acc2": ours["all"]["acc2"],
        "brier": ours["all"]["brier"],
        "ece": ours["all"]["ece"],
        "acc2_unseen": ours["unseen"]["acc2"],
        "brier_majority": majority["brier"],
        "ece_valid": checked["all"]["ece"],
        "log_loss": ours["all"]["log_loss"],
        "grades": grades,
        "path": "product",
        "brier_valid": checked["all"]["brier"],
        "acc2_valid": checked["all"]["acc2"],
        "acc2_unseen_valid": checked["unseen"]["acc2"],
        "acc2_seen": ours["seen"]["acc2"],
        "brier_unseen": ours["unseen"]["brier"],
        "n_test": ours["all"]["n"],
        "n_unseen": ours["unseen"]["n"],
        "acc2_majority": majority["acc2"],
        "acc6_majority": majority["acc6"],
        "acc6_wang2017": WANG_2017_ACC6,
        "seconds": round(seconds, 1),
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
