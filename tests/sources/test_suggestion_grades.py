"""The grade table of the suggested credibility (sources/credibility/grades.py): every grade is
reachable, and the structure of the support caps what a probability alone would give."""

import pytest

from sources.credibility.grades import BANDS, EvidenceItem, band, grade, structure
from sources.credibility.independence import AttributedSource
from tests.sources.test_credibility import _ukraine_graph

RELIABILITY = {"reuters": "B", "ap": "B", "mod-ru": "B", "us-dod": "B", "budanov": "C", "ryder": "A"}
TWO_AGENCIES = [("reuters", "stated"), ("ap", "stated")]
BUDANOV = [("budanov", "stated"), AttributedSource("newsroom", "relayed", relayed_from="budanov")]


def _shape(attributions=(), evidence=()):
    return structure(evidence, attributions, _ukraine_graph(), RELIABILITY)


@pytest.mark.parametrize(
    ("probability", "expected"), [(0.95, 1), (0.80, 1), (0.79, 2), (0.60, 2), (0.5, 3), (0.45, 3), (0.4, 4), (0.1, 5)]
)
def test_it_reads_the_band_of_a_probability(probability, expected):
    assert band(probability) == expected


def test_it_reaches_every_grade():
    two, one = _shape(TWO_AGENCIES), _shape(TWO_AGENCIES[:1])
    party_only = _shape(BUDANOV)
    refuted = _shape(BUDANOV, [EvidenceItem("refutes", 1, "reuters")])
    found = {
        grade(0.9, two, basis=True)[0],
        grade(0.9, one, basis=True)[0],
        grade(0.9, party_only, basis=True)[0],
        grade(0.35, one, basis=True)[0],
        grade(0.9, refuted, basis=True)[0],
        grade(0.5, _shape(), basis=False)[0],
    }
    assert found == {1, 2, 3, 4, 5, 6}
    assert [low for low, _ in BANDS] == sorted((low for low, _ in BANDS), reverse=True)


def test_it_confirms_only_with_two_independent_non_party_groups():
    assert grade(0.95, _shape(TWO_AGENCIES), basis=True) == (1, "The probability falls in the band of grade 1.")
    result, rule = grade(0.95, _shape(TWO_AGENCIES[:1]), basis=True)
    assert result == 2 and "two independent non-party groups" in rule


def test_it_caps_support_from_parties_alone_at_possibly_true():
    shape = _shape(BUDANOV + [("ryder", "could_not_confirm")])
    assert shape.party_only and [g.root for g in shape.party_support] == ["mod-ua"]
    assert [g.root for g in shape.not_confirming] == ["us-dod"]
    result, rule = grade(0.97, shape, basis=True)
    assert result == 3 and rule == "Capped at 3: all support comes from parties to a conflict."
    assert grade(0.2, shape, basis=True)[0] == 5  # the cap limits the best grade, never the worst


def test_it_gives_improbable_to_a_credible_refutation_with_no_independent_support():
    shape = _shape(BUDANOV, [EvidenceItem("refutes", 1, "reuters")])
    assert shape.credibly_refuted and not shape.independent_support
    assert grade(0.9, shape, basis=True) == (5, "Credibly refuted, and no credible independent support.")
    # With independent support, the refutation is weighed by the probability instead.
    both = _shape(TWO_AGENCIES, [EvidenceItem("refutes", 1, "us-dod")])
    assert both.credibly_refuted and grade(0.5, both, basis=True)[0] == 3


def test_it_does_not_take_a_party_denial_alone_as_credible_refutation():
    shape = _shape(TWO_AGENCIES + [("mod-ru", "denied")])
    assert [g.root for g in shape.party_denials] == ["mod-ru"]
    assert shape.refutation == pytest.approx(0.8 * 0.5) and not shape.credibly_refuted
    assert grade(0.9, shape, basis=True)[0] == 1


def test_it_counts_evidence_from_one_ministry_once():
    shape = _shape(evidence=[EvidenceItem("supports", 1, "ukrinform"), EvidenceItem("supports", 1, "armyinform")])
    assert len(shape.groups) == 1 and shape.party_only  # one party group, however many outlets carry it
    assert shape.evidence_balance == pytest.approx(2 * 0.4)  # both weigh in, at credibility 1 x ungraded F
    assert grade(0.9, shape, basis=True)[0] == 3


def test_it_gives_six_only_when_there_is_nothing_to_judge_by():
    assert grade(0.9, _shape(TWO_AGENCIES), basis=False)[0] == 6
    assert grade(0.02, _shape(), basis=True)[0] == 5
