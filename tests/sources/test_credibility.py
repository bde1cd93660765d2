"""The pure credibility maths: the Beta distribution, track records, independence, calibration.

The suggestion's grade table and learning maths: test_suggestion_grades.py, test_suggestion_model.py."""

from datetime import UTC, datetime, timedelta

import pytest

from sources.credibility.calibration import brier, expected_calibration_error, reliability_diagram
from sources.credibility.independence import (
    AttributedSource,
    SourceGraph,
    SourceNode,
    corroboration,
    independent_groups,
)
from sources.credibility.records import (
    INFORMATION_CREDIBILITY,
    RELIABILITY_GRADES,
    beta_cdf,
    beta_ppf,
    decay_weight,
    track_record,
    verdict_truth,
)
from sources.text import similarity

NOW = datetime(2024, 10, 20, tzinfo=UTC)
WAR = "Russia–Ukraine war"


def _bisect(f, target, lo=0.0, hi=1.0):
    """Independent check: plain bisection on a closed-form CDF."""
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def test_it_keeps_the_two_admiralty_axes_apart():
    assert list(RELIABILITY_GRADES) == ["A", "B", "C", "D", "E", "F"]
    assert RELIABILITY_GRADES["B"] == "Usually reliable"
    assert RELIABILITY_GRADES["F"] == "Reliability cannot be judged"
    assert list(INFORMATION_CREDIBILITY) == [1, 2, 3, 4, 5, 6]
    assert INFORMATION_CREDIBILITY[1] == "Confirmed by other sources"
    assert INFORMATION_CREDIBILITY[6] == "Truth cannot be judged"


def test_it_maps_verdicts_to_truth_values_and_skips_uninformative_ones():
    assert [verdict_truth(v) for v in ("confirmed", "likely_true", "disputed", "misleading", "false")] == [
        1.0,
        0.75,
        0.5,
        0.25,
        0.0,
    ]
    assert verdict_truth("unproven") is None
    assert verdict_truth("not_checkable") is None
    with pytest.raises(ValueError, match="Unknown verdict"):
        verdict_truth("pants_on_fire")


def test_it_computes_the_uniform_beta_quantile_exactly():
    assert beta_ppf(0.05, 1, 1) == pytest.approx(0.05, abs=1e-10)
    assert beta_cdf(0.3, 1, 1) == pytest.approx(0.3, abs=1e-12)


def test_it_matches_the_closed_form_beta_2_2():
    # Beta(2, 2) has cdf 3x^2 - 2x^3, so its 5% quantile solves 3x^2 - 2x^3 = 0.05 (x = 0.13535).
    expected = _bisect(lambda x: 3 * x**2 - 2 * x**3, 0.05)
    assert expected == pytest.approx(0.13535, abs=1e-5)
    record = track_record([(1.0, NOW, None), (0.0, NOW, None)], NOW)  # uniform prior + one of each
    assert (record.alpha, record.beta) == (2.0, 2.0)
    assert record.mean == 0.5
    assert record.lo == pytest.approx(expected, abs=1e-9)
    assert record.hi == pytest.approx(1 - expected, abs=1e-9)


def test_it_matches_the_closed_form_beta_3_1():
    # Beta(3, 1) has cdf x^3, so the 5% quantile is 0.05 ** (1/3).
    assert beta_cdf(0.5, 3, 1) == pytest.approx(0.125, abs=1e-12)
    assert beta_ppf(0.05, 3, 1) == pytest.approx(0.05 ** (1 / 3), abs=1e-10)
    assert beta_ppf(0.95, 3, 1) == pytest.approx(0.95 ** (1 / 3), abs=1e-10)


def test_it_stays_accurate_for_long_records():
    # Symmetric Beta: the median is 0.5; and the quantile inverts the cdf.
    assert beta_ppf(0.5, 400.5, 400.5) == pytest.approx(0.5, abs=1e-9)
    x = beta_ppf(0.05, 300.0, 120.0)
    assert beta_cdf(x, 300.0, 120.0) == pytest.approx(0.05, abs=1e-10)


def test_it_halves_the_weight_at_exactly_one_half_life():
    assert decay_weight(NOW - timedelta(days=30), NOW, 30) == 0.5
    assert decay_weight(NOW - timedelta(days=60), NOW, 30) == 0.25
    assert decay_weight(NOW + timedelta(days=5), NOW, 30) == 1.0  # future-dated counts as fresh
    assert decay_weight(NOW - timedelta(days=999), NOW, None) == 1.0


def test_it_weighs_an_old_outcome_less_than_a_fresh_one():
    outcomes = [(1.0, NOW, "military"), (0.0, NOW - timedelta(days=90), "economy")]
    record = track_record(outcomes, NOW, half_life_days=90)
    assert (record.alpha, record.beta) == (2.0, 1.5)
    assert record.effective_n == 1.5
    assert record.count == 2
    assert record.mean > 0.5  # the fresh true outcome outweighs the old false one
    assert record.lo < record.mean < record.hi
    assert set(record.by_topic) == {"military", "economy"}
    assert record.by_topic["economy"].beta == 1.5
    assert "selected sample" in record.note


def _ukraine_graph():
    return SourceGraph(
        [
            SourceNode("mod-ua", "Ministry of Defence of Ukraine", "ministry", conflicts={WAR: "Ukraine"}),
            SourceNode("hur", "HUR (Defence Intelligence of Ukraine)", "military_intelligence", parent="mod-ua"),
            SourceNode("budanov", "Kyrylo Budanov", "person", parent="hur"),
            SourceNode("newsroom", "News Desk", "media_outlet"),
            SourceNode("us-dod", "US Department of Defense", "ministry"),
            SourceNode("ryder", "Pat Ryder (Pentagon spokesperson)", "person", speaks_for="us-dod"),
            SourceNode("ukrinform", "Ukrinform", "media_outlet", relays="mod-ua"),
            SourceNode("armyinform", "ArmyInform", "media_outlet", relays="mod-ua"),
            SourceNode("reuters", "Reuters", "media_outlet"),
            SourceNode("ap", "Associated Press", "media_outlet"),
            SourceNode("mod-ru", "Ministry of Defence of Russia", "ministry", conflicts={WAR: "Russia"}),
        ]
    )


def test_it_counts_two_relays_of_one_ministry_once():
    groups = independent_groups([("ukrinform", "stated"), ("armyinform", "stated")], _ukraine_graph())
    assert len(groups) == 1
    assert groups[0].root == "mod-ua"
    assert groups[0].members == ("ukrinform", "armyinform")
    assert groups[0].all_parties and groups[0].side == "Ukraine"


def test_it_collapses_a_speaker_to_the_body_above_and_joins_a_relay_to_its_origin():
    graph = _ukraine_graph()
    assert graph.origin_path("budanov") == ["budanov", "hur", "mod-ua"]
    groups = independent_groups(
        [
            AttributedSource("budanov", "stated"),
            AttributedSource("newsroom", "relayed", relayed_from="budanov"),
            ("ryder", "could_not_confirm"),
        ],
        graph,
    )
    assert [g.root for g in groups] == ["mod-ua", "us-dod"]
    assert groups[0].members == ("budanov", "newsroom")
    assert groups[0].all_parties  # the relay speaks with the ministry's voice
    assert not groups[1].all_parties


def test_it_flags_agreement_only_among_parties_on_one_side():
    graph = _ukraine_graph()
    one_side = corroboration(independent_groups([("budanov", "stated"), ("ukrinform", "states")], graph))
    assert (one_side.supporting, one_side.non_party_supporting) == (1, 0)
    assert one_side.parties_one_side_only and one_side.side == "Ukraine"
    mixed = corroboration(independent_groups([("budanov", "stated"), ("reuters", "stated"), ("ap", "stated")], graph))
    assert (mixed.supporting, mixed.non_party_supporting) == (3, 2)
    assert not mixed.parties_one_side_only


def test_it_scores_calibration_on_hand_computed_pairs():
    pairs = [(0.1, 0), (0.3, 1), (0.8, 1), (0.9, 0)]
    assert brier(pairs) == pytest.approx((0.01 + 0.49 + 0.04 + 0.81) / 4)
    low, high = reliability_diagram(pairs, bins=2)
    assert (low.count, low.mean_predicted, low.observed) == (2, pytest.approx(0.2), 0.5)
    assert (high.count, high.mean_predicted, high.observed) == (2, pytest.approx(0.85), 0.5)
    assert expected_calibration_error(pairs, bins=2) == pytest.approx(0.5 * 0.3 + 0.5 * 0.35)


def test_it_puts_a_certain_prediction_in_the_last_bin_and_leaves_empty_bins_empty():
    diagram = reliability_diagram([(1.0, 1)], bins=10)
    assert diagram[-1].count == 1 and diagram[-1].observed == 1.0
    assert diagram[0].count == 0 and diagram[0].mean_predicted is None
    assert expected_calibration_error([(1.0, 1)]) == 0.0
    with pytest.raises(ValueError, match="at least one"):
        brier([])


def test_it_scores_whole_texts_by_shared_words_in_any_order():
    claim = "North Korea has sent 11,000 soldiers to the Kursk region."
    assert similarity(claim, "The Kursk region: 11,000 soldiers sent by North Korea") == 1.0
    assert similarity(claim, "Прибули нові солдати") == 0.0  # no word in common
    # A short text inside a long one is not a copy of it, and the score is symmetric.
    inside = similarity("North Korea sent soldiers", claim)
    assert inside == similarity(claim, "North Korea sent soldiers") and 0.5 < inside < 0.85
    assert similarity("", claim) == 0.0
