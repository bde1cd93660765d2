"""`python -m bench.liar` end to end on the shipped LIAR data against the
targets the README and docs/benchmarks.md set, on a tiny LIAR-format fixture,
and its pieces."""

import json
import subprocess
import sys
from pathlib import Path

from bench.liar import LABELS, fit_six_way_cuts, six_way
from tests.services import require_shared_file

REPO = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {"acc6", "acc2", "brier", "ece", "acc2_unseen", "brier_majority"}
# The targets of the README's benchmark table (docs/benchmarks.md, "Suggested prior on LIAR").
# A run that misses one is a regression of the prior to report, never a reason to move the figure.
TARGET_BRIER = 0.220  # at most; the majority baseline scores 0.246
TARGET_ECE = 0.035  # at most
TARGET_ACC2_UNSEEN = 0.56  # at least; the majority baseline scores 0.500
# LIAR's published test split: 1283 statements, 200 of them by speakers absent from train.
LIAR_TEST, LIAR_UNSEEN = 1283, 200

SPEAKERS = [  # (speaker, job, state, party)
    ("ann-lee", "Senator", "Ohio", "democrat"),
    ("bob-ray", "Governor", "Texas", "republican"),
    ("cy-fox", "", "", "none"),
]
STATEMENTS = [
    "Unemployment fell to the lowest rate in a decade.",
    'The governor "cut" school funding by a third.',
    "Crime rates doubled under the mayor.",
    "Taxes on the middle class went up every year.",
    "The state budget is balanced for the first time.",
    "Most new jobs went to immigrants.",
]


def _write_fixture(folder: Path) -> None:
    """A dozen rows per split; the credit-history columns hold text, so reading them would crash."""
    for split, offset in (("train", 0), ("valid", 1), ("test", 2)):
        rows = []
        for i in range(12):
            speaker, job, state, party = SPEAKERS[(i + offset) % 3]
            if split == "test" and i % 4 == 0:
                speaker = f"new-speaker-{i}"  # some speakers unseen in train
            label = LABELS[(i * 5 + offset) % 6]
            leak = ["LEAK"] * 5
            rows.append(
                [
                    f"{i + 100 * offset}.json",
                    label,
                    STATEMENTS[i % 6],
                    "economy,jobs",
                    speaker,
                    job,
                    state,
                    party,
                    *leak,
                    "a TV ad",
                ]
            )
        (folder / f"{split}.tsv").write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def _run(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "bench.liar", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def test_it_meets_the_documented_targets_on_the_shipped_liar_data():
    data = require_shared_file("data", "liar", "test.tsv").parent
    result = _run(str(data), timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    figures = {k: summary[k] for k in ("brier", "ece", "acc2_unseen", "brier_majority", "n_test", "n_unseen")}
    assert (summary["n_test"], summary["n_unseen"]) == (LIAR_TEST, LIAR_UNSEEN), figures
    assert summary["brier"] <= TARGET_BRIER, figures
    assert summary["ece"] <= TARGET_ECE, figures
    assert summary["acc2_unseen"] >= TARGET_ACC2_UNSEEN, figures
    assert summary["brier"] < summary["brier_majority"], figures  # better than always guessing the base rate


def test_it_runs_the_benchmark_and_ends_with_a_json_summary(tmp_path):
    _write_fixture(tmp_path)
    result = _run(str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert SUMMARY_KEYS <= set(summary)
    assert summary["n_test"] == 12 and summary["n_unseen"] == 3
    assert 0.0 <= summary["brier"] <= 1.0 and 0.0 <= summary["acc2"] <= 1.0
    assert any("majority" in line for line in lines[:-1])  # the table comes first


def test_it_exits_with_a_clear_message_when_the_data_is_missing(tmp_path):
    result = _run(str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "LIAR data not found" in result.stderr
    assert "train.tsv" in result.stderr and "python -m bench.liar DATA_DIR" in result.stderr
    assert result.stdout == ""


def test_it_rejects_a_malformed_file_with_its_line_number(tmp_path):
    _write_fixture(tmp_path)
    (tmp_path / "valid.tsv").write_text("1.json\tsort-of-true\tA claim.\n", encoding="utf-8")
    result = _run(str(tmp_path))
    assert result.returncode == 2
    assert "valid.tsv:1" in result.stderr


def test_it_places_six_way_cuts_that_separate_ordered_labels():
    probs = [i / 60 for i in range(60)]
    labels = [LABELS[i // 10] for i in range(60)]
    cuts = fit_six_way_cuts(probs, labels, bins=60)
    assert [six_way(p, cuts) for p in probs] == labels
