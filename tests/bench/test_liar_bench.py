"""`python -m bench.liar` end to end on the shipped LIAR data against the
targets of issue 16 (docs/credibility.md, docs/benchmarks.md), on a tiny
LIAR-format fixture, and its pieces; and that it measures the very function
the claim page and the API call."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.module_loading import import_string

from bench import liar
from bench.liar import LABELS, Statement, fit_six_way_cuts, six_way
from tests.services import once_per_ci_run, require_shared_file

REPO = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {
    "acc6",
    "acc2",
    "brier",
    "ece",
    "acc2_unseen",
    "brier_majority",
    "ece_valid",
    "log_loss",
    "grades",
    "path",
}
# The targets of issue 16 (docs/credibility.md, "Benchmark: LIAR"), through the product's path.
# A run that misses one is a shortfall to report, never a reason to move the figure.
TARGET_BRIER = 0.210  # at most; the majority baseline scores 0.246
TARGET_ECE = 0.03  # at most, on test and on valid
TARGET_ACC2_UNSEEN = 0.60  # at least; the majority baseline scores 0.500
TARGET_GRADES = 5  # at least this many of the six grades occur on test
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


def _run(*args, timeout=180):
    return subprocess.run(
        [sys.executable, "-m", "bench.liar", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def liar_summary():
    """One run of bench.liar on the shipped LIAR data (about five minutes), shared by the tests below.
    bench.liar makes its own SQLite desk whatever the pass, so CI runs it once."""
    once_per_ci_run("bench.liar on the shipped LIAR data")
    data = require_shared_file("data", "liar", "test.tsv").parent
    result = _run(str(data), timeout=1200)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_runs_the_product_path_on_the_shipped_liar_data(liar_summary):
    summary = liar_summary
    keys = ("brier", "ece", "ece_valid", "acc2_unseen", "brier_majority", "n_test", "n_unseen", "grades")
    figures = {k: summary[k] for k in keys}
    assert summary["path"] == "product"
    assert (summary["n_test"], summary["n_unseen"]) == (LIAR_TEST, LIAR_UNSEEN), figures
    assert summary["brier"] < summary["brier_majority"], figures  # better than always guessing the base rate
    occurring = [(int(g), v["rate"]) for g, v in sorted(summary["grades"].items()) if v["count"] and int(g) <= 5]
    assert sum(v["count"] > 0 for v in summary["grades"].values()) >= TARGET_GRADES, figures
    assert [rate for _, rate in occurring] == sorted((rate for _, rate in occurring), reverse=True), figures


@pytest.mark.xfail(
    strict=True,
    reason="issue 16 is open: through the product path Brier is 0.216 (target 0.210), ECE on valid 0.031 "
    "(0.03) and accuracy on unseen speakers 0.585 (0.60); strict, so reaching the targets turns this red "
    "until the marker goes",
)
def test_it_meets_the_issues_targets_on_the_shipped_liar_data(liar_summary):
    summary = liar_summary
    figures = {k: summary[k] for k in ("brier", "ece", "ece_valid", "acc2_unseen")}
    assert summary["ece"] <= TARGET_ECE and summary["ece_valid"] <= TARGET_ECE, figures
    assert summary["acc2_unseen"] >= TARGET_ACC2_UNSEEN, figures
    assert summary["brier"] <= TARGET_BRIER, figures


def test_it_runs_the_benchmark_and_ends_with_a_json_summary(tmp_path):
    _write_fixture(tmp_path)
    result = _run(str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert SUMMARY_KEYS <= set(summary)
    assert summary["n_test"] == 12 and summary["n_unseen"] == 3 and summary["path"] == "product"
    assert sum(v["count"] for v in summary["grades"].values()) == 12
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


def test_it_measures_the_function_the_claim_page_and_the_api_call():
    from verification.api import serializers
    from verification.desk import claim

    measured = import_string(liar.SUGGESTION_FUNCTION)
    assert measured is claim.suggest_for_claim is serializers.suggest_for_claim


@pytest.mark.django_db
def test_it_shows_on_the_claim_page_what_the_benchmark_scores_for_the_same_claim(client):
    said = [
        Statement(
            LABELS[i % 6], f"The county budget grew by {i} percent last year.", ("budget",), "ann-lee", "democrat"
        )
        for i in range(8)
    ]
    new = Statement("true", "The county budget shrank last year.", ("budget",), "ann-lee", "democrat")
    desk = liar.Desk([*said, new])
    for s in said:
        desk.publish(s)

    [(probability, grade)] = liar.suggest_all(desk, [new], log=print, name="check")

    from verification.models import Claim

    created = Claim.objects.latest("id")
    client.force_login(desk.editor)
    html = client.get(f"/desk/claims/{created.pk}/").content.decode()
    assert created.text == new.text and grade >= 3  # a party's word only: at best possibly true
    assert f'<strong class="suggested-credibility">{grade} – ' in html
    assert f"{probability:.0%}</strong> chance this desk rates it true or likely true, from 0 past verdicts" in html
