"""The claim page's suggestion panel says what the number is, its interval, the three factors
that moved it and which way, the grade's standard meaning, and how such suggestions fared; and
it shows the same numbers the API gives a review key and the benchmark computes."""

import re

import pytest

from sources.models import Source
from tests.api.core_support import key_client
from tests.api.read_scope_world import review_key
from tests.sources.record_helpers import publish
from verification.credibility import fitting
from verification.credibility.suggestions import suggest_for_claim
from verification.models import Claim

pytestmark = pytest.mark.django_db


def _panel(html: str) -> str:
    return html[html.index('id="suggestion-panel"') : html.index("</section>", html.index('id="suggestion-panel"'))]


def test_it_explains_the_suggestion_on_the_claim_page(client, alice, seeded):
    claim = Claim.objects.get(text__contains="11,000")
    client.force_login(alice)

    response = client.get(f"/desk/claims/{claim.pk}/")

    assert response.status_code == 200
    panel = _panel(response.content.decode())
    suggestion = suggest_for_claim(claim)
    assert f"{suggestion.grade} – {suggestion.label}" in panel and suggestion.grade >= 3
    assert suggestion.meaning in panel  # the grade's standard meaning
    assert (
        f"{suggestion.probability:.0%}</strong> chance this desk rates it true or likely true, from 0 past verdicts"
        in panel
    )
    assert f"(90 % interval {suggestion.interval[0]:.0%}–{suggestion.interval[1]:.0%})" in panel
    assert "leans on the model's starting weights" in panel
    reasons = re.findall(r'<strong class="direction-(raises|lowers)">', panel)
    assert reasons == [r.direction for r in suggestion.reasons] and len(reasons) == 3
    assert "↓ lowers</strong> A non-party could not confirm it: Pat Ryder" in panel
    assert "↓ lowers</strong> Stated only by a party to the conflict (Russia–Ukraine war, Ukraine)" in panel
    assert "Too few verdicts held out from the fit yet" in panel
    assert "All support comes from parties to one side of a conflict" in panel
    assert "A prior to weigh, never a verdict" in panel
    assert Claim.objects.get(pk=claim.pk).credibility is None


def test_it_says_how_suggestions_in_its_band_fared_once_the_desk_has_history(client, erin, alice, make_source):
    sources = [make_source(f"Speaker {i}") for i in range(4)]
    for i in range(240):  # enough for a held-out share of 72 verdicts
        verdict = "confirmed" if i % 4 < 2 + (i % 8 == 0) else "false"
        publish(f"Report {i} on the harbour budget, item {i}.", [(sources[i % 4], "stated")], alice, erin, verdict)
    fitting.refit()
    claim = Claim.objects.create(text="Report on the harbour budget.")
    client.force_login(erin)

    panel = _panel(client.get(f"/desk/claims/{claim.pk}/").content.decode())

    suggestion = suggest_for_claim(claim)
    band = suggestion.band
    assert band and band["count"] >= 10
    assert "from 240 past verdicts" in panel and "starting weights" not in panel
    assert (
        f"Of {band['count']} earlier suggestions between {band['lo']:.0%} and {band['hi']:.0%} (verdicts the model "
        f"had not learned from), {band['observed']:.0%} were rated true or likely true."
    ) in panel


def test_it_shows_the_same_numbers_as_the_api_for_the_same_claim(client, bob, seeded):
    claim = Claim.objects.get(text__contains="11,000")
    client.force_login(bob)

    panel = _panel(client.get(f"/desk/claims/{claim.pk}/").content.decode())
    api = key_client(review_key(bob)).get(f"/api/v1/claims/{claim.pk}").json()["suggestion"]

    suggestion = suggest_for_claim(claim)
    assert api == suggestion.as_api()  # the API's rounding of the very numbers the page shows
    assert f"{api['grade']} – {api['label']}" in panel
    assert f"{suggestion.probability:.0%}</strong> chance this desk rates it true" in panel
    assert f"(90 % interval {suggestion.interval[0]:.0%}–{suggestion.interval[1]:.0%})" in panel
    assert api["probability"] == pytest.approx(suggestion.probability, abs=5e-4)
    for reason in api["reasons"]:
        assert reason["text"] in panel.replace("&#x27;", "'")


def test_it_shows_six_for_a_bare_claim(client, alice, make_claim):
    claim = make_claim(text="A claim nobody is on record for.")
    client.force_login(alice)

    panel = _panel(client.get(f"/desk/claims/{claim.pk}/").content.decode())

    assert "6 – Truth cannot be judged" in panel
    assert "Nothing to judge by: no source with a grade or a track record" in panel
    assert "0</span> independent groups state or support it" in panel
    assert Source.objects.count() == 0
