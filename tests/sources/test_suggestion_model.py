"""The suggestion's learning maths (sources/credibility/model.py): the prior holds where the data
says nothing, the data wins where it speaks, Platt scaling corrects an overconfident model, and the
wording model learns which words go with which outcome."""

import math
import random

import pytest

from sources.credibility.model import (
    Platt,
    fit_logistic,
    fit_platt,
    fit_text_model,
    logit,
    out_of_fold_scores,
    relative_logit,
    sigmoid,
)

PRIOR_MEAN = {"record": 0.5, "evidence": 0.7}
PRIOR_PRECISION = {"record": 2.0, "evidence": 2.0}


def _rows(n, slope, seed=1):
    rng = random.Random(seed)
    rows, ys = [], []
    for _ in range(n):
        x = rng.uniform(-2, 2)
        rows.append({"record": x})
        ys.append(1.0 if rng.random() < sigmoid(0.3 + slope * x) else 0.0)
    return rows, ys


def test_it_returns_the_prior_with_its_full_uncertainty_when_there_is_no_history():
    model = fit_logistic([], [], PRIOR_MEAN, PRIOR_PRECISION, (0.0, 0.5))
    assert dict(zip(model.names, model.weights)) == PRIOR_MEAN and model.bias == 0.0
    assert model.covariance[1][1] == pytest.approx(0.5)  # 1 / precision
    assert model.z_sd({"record": 1.0}) == pytest.approx(math.sqrt(2.0 + 0.5))


def test_it_learns_the_history_s_weight_and_keeps_the_prior_for_a_feature_it_never_saw():
    rows, ys = _rows(4000, slope=1.5)
    model = fit_logistic(rows, ys, PRIOR_MEAN, PRIOR_PRECISION, (0.0, 0.5))
    weights = dict(zip(model.names, model.weights))
    assert weights["record"] == pytest.approx(1.5, abs=0.15) and model.bias == pytest.approx(0.3, abs=0.1)
    assert weights["evidence"] == pytest.approx(0.7)  # no desk evidence in the history: the prior stands
    assert model.z_sd({"record": 1.0}) < 0.1  # thousands of verdicts: a narrow interval
    assert model.contributions({"record": 2.0}) == {"evidence": 0.0, "record": pytest.approx(2 * weights["record"])}


def test_it_calibrates_an_overconfident_score_with_platt_scaling():
    rows, ys = _rows(3000, slope=1.0, seed=2)
    doubled = [2.0 * (0.3 + r["record"]) for r in rows]  # twice as sure as it should be
    platt = fit_platt(doubled, ys)
    assert platt.b == pytest.approx(0.5, abs=0.08)
    assert platt(doubled[0]) == pytest.approx(sigmoid(0.3 + rows[0]["record"]), abs=0.05)
    assert fit_platt([], []) == Platt(0.0, 1.0)  # nothing held out: the identity


def test_it_learns_which_words_go_with_which_outcome():
    texts = ["the budget was balanced", "taxes were cut", "aliens built the wall", "the moon is cheese"] * 50
    outcomes = [1.0, 1.0, 0.0, 0.0] * 50
    model = fit_text_model(texts, outcomes)
    assert model.score("the budget was cut") > 0 > model.score("aliens on the moon")
    [(word, weight)] = model.telling_words("aliens built it", limit=1)
    assert word == "alien" and weight < 0  # words as sources.text.words reads them; ties alphabetically
    assert model.score("no known word") == 0.0
    held = out_of_fold_scores(texts, outcomes)
    assert sum(s > 0 for s, y in zip(held, outcomes) if y) == 100  # each scored by a model that never saw it


def test_it_shrinks_a_short_record_towards_the_desk():
    assert relative_logit(0, 0, 0.6, 4) == 0.0  # no history: no pull
    two = relative_logit(2, 2, 0.6, 4)
    two_hundred = relative_logit(200, 200, 0.6, 4)
    assert 0 < two < two_hundred
    assert two == pytest.approx(logit((2 + 2.4) / 6) - logit(0.6))
