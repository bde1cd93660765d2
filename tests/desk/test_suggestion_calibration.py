"""The dashboard's suggestion calibration: suggestions against the verdicts the desk published
afterwards, as a reliability chart beside the reviewers' calibration."""

import re

import pytest

from tests.sources.record_helpers import publish
from verification.credibility import fitting
from verification.desk.charts import reliability_chart
from verification.models import SuggestionModel


def test_it_draws_a_dot_per_filled_bin_beside_the_diagonal():
    bins = [
        {"lo": 0.2, "hi": 0.3, "count": 40, "mean_predicted": 0.25, "observed": 0.3},
        {"lo": 0.3, "hi": 0.4, "count": 0, "mean_predicted": None, "observed": None},
        {"lo": 0.7, "hi": 0.8, "count": 10, "mean_predicted": 0.74, "observed": 0.7},
    ]
    svg = str(reliability_chart(bins, title="Suggestions & verdicts", chart_id="r"))
    assert svg.startswith("<svg") and 'aria-labelledby="r-t r-d"' in svg and "Suggestions &amp; verdicts" in svg
    assert svg.count("<circle") == 2 and 'stroke-dasharray="4 4"' in svg  # two dots, one diagonal
    assert "20%–30%: 25% suggested, 30% came true (40 claims)" in svg
    assert "No held-out verdicts yet." in str(reliability_chart([], title="t"))


@pytest.mark.django_db
def test_it_says_not_enough_data_before_a_fit_with_held_out_verdicts(login, erin):
    html = login(erin).get("/desk/dashboard").content.decode()

    assert "Suggestion calibration" in html and "Reviewer calibration" in html
    assert "the chart needs a fitted model with at least 50 published verdicts held out" in html


@pytest.mark.django_db
def test_it_charts_how_suggestions_fared_on_verdicts_the_model_had_not_seen(login, erin, alice, make_source):
    speakers = [make_source(f"Speaker {i}") for i in range(3)]
    for i in range(180):
        verdict = "false" if i % 3 == 0 else "likely_true"
        publish(f"Statement {i} on the port's budget.", [(speakers[i % 3], "stated")], alice, erin, verdict)
    fitting.refit()
    held = SuggestionModel.objects.latest().held_out

    html = re.sub(r">\s+<", "><", login(erin).get("/desk/dashboard").content.decode())

    assert held["n"] == 54  # the newest 30 % of 180 verdicts
    assert 'id="reliability-t">Suggestions against the verdicts that followed</title>' in html
    assert "54 held-out verdicts (model fitted on 180 on " in html
    assert f"Brier score {held['brier']:.3f}" in html
    filled = [b for b in held["bins"] if b["count"]]
    assert html.count("<circle") == len(filled) and sum(b["count"] for b in filled) == 54
