"""Reviewer calibration: Brier score and reliability-diagram data from verdicts
that a later publication revised or confirmed, cached per reviewer."""

import pytest

from verification.credibility.calibration import judged_assessments
from verification.models import CalibrationSnapshot
from verification.tasks import recompute_calibration
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def _publish_first(make_claim, reviewer, editor, text, verdict, confidence):
    claim = make_claim(text=text)
    _review(claim, reviewer, editor, verdict, confidence)
    return claim


def _review(claim, reviewer, editor, verdict, confidence):
    """Take, assess and sign off: one publication of `claim`."""
    taken = transitions.take_next(reviewer)
    assert taken.pk == claim.pk
    transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale="Checked.")
    transitions.sign_off(editor, claim.pk)


def _reopen_and_publish(claim, reviewer, editor, verdict, confidence):
    transitions.reopen(editor, claim.pk, "New evidence")
    _review(claim, reviewer, editor, verdict, confidence)


@pytest.fixture
def history(make_claim, alice, bob, erin):
    """Claim 1: alice 'false' at 0.9, later bob 'false' (confirmed).
    Claim 2: alice 'likely true' at 0.8, bob 'false' at 0.7, alice 'false' at 0.65 (alice revised, bob confirmed).
    Claim 3: published once, so not judged yet."""
    one = _publish_first(make_claim, alice, erin, "Claim one", "false", 0.9)
    two = _publish_first(make_claim, alice, erin, "Claim two", "likely_true", 0.8)
    _publish_first(make_claim, bob, erin, "Claim three", "confirmed", 0.99)
    _reopen_and_publish(one, bob, erin, "false", 0.6)
    _reopen_and_publish(two, bob, erin, "false", 0.7)
    _reopen_and_publish(two, alice, erin, "false", 0.65)
    return one, two


def test_it_scores_each_reviewer_against_the_latest_published_verdict(history, alice, bob):
    judged = sorted((j.reviewer_id, j.confidence, j.outcome) for j in judged_assessments())
    assert judged == sorted([(alice.pk, 0.9, 1.0), (alice.pk, 0.8, 0.0), (bob.pk, 0.7, 1.0)])

    assert recompute_calibration() == 2

    a = CalibrationSnapshot.objects.get(reviewer=alice)
    # Brier: ((0.9 - 1)^2 + (0.8 - 0)^2) / 2 = (0.01 + 0.64) / 2
    assert (a.count, a.confirmed) == (2, 1)
    assert a.brier == pytest.approx(0.325)
    # ECE: bin 0.8-0.9 predicts 0.8, observes 0; bin 0.9-1.0 predicts 0.9, observes 1 -> (0.8 + 0.1) / 2
    assert a.ece == pytest.approx(0.45)
    assert len(a.bins) == 10
    assert a.bins[8] == {"lo": 0.8, "hi": 0.9, "count": 1, "mean_predicted": 0.8, "observed": 0.0}
    assert a.bins[9]["count"] == 1 and a.bins[9]["observed"] == 1.0
    assert sum(b["count"] for b in a.bins) == 2

    b = CalibrationSnapshot.objects.get(reviewer=bob)
    assert (b.count, b.confirmed) == (1, 1)
    assert b.brier == pytest.approx(0.09) and b.ece == pytest.approx(0.3)
    assert b.bins[7]["count"] == 1


def test_it_writes_the_same_rows_when_recomputed(history):
    recompute_calibration()
    first = list(
        CalibrationSnapshot.objects.order_by("reviewer_id").values("id", "reviewer_id", "count", "brier", "bins")
    )

    recompute_calibration()

    assert (
        list(CalibrationSnapshot.objects.order_by("reviewer_id").values("id", "reviewer_id", "count", "brier", "bins"))
        == first
    )


def test_it_has_nothing_to_score_before_any_verdict_is_revisited(make_claim, alice, erin):
    _publish_first(make_claim, alice, erin, "Claim one", "false", 0.9)

    assert recompute_calibration() == 0
    assert not CalibrationSnapshot.objects.exists()
