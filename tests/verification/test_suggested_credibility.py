"""The suggested credibility on the seed story and on small desks: the 11,000-troops claim, stated
only by a party to the war and not confirmed by the Pentagon, is never above "possibly true", and
the suggestion says why; nothing is ever written to the claim."""

import pytest

from sources.models import Source, TrackRecord
from tests.sources.record_helpers import publish
from verification.credibility import fitting
from verification.credibility.suggestions import suggest_for_claim
from verification.models import Claim, Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(settings):
    """`python manage.py seed` on a development desk: demo logins, so the seeded verdict is published."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed", verbosity=0)


def _troops() -> Claim:
    return Claim.objects.get(text__contains="11,000")


def _reasons(suggestion) -> str:
    return " ".join(f"{r.direction} {r.text}" for r in suggestion.reasons)


def test_it_keeps_budanovs_figure_at_possibly_true_or_below_with_its_reasons(story):
    claim = _troops()
    before = Claim.objects.values("credibility", "confidence", "version").get(pk=claim.pk)

    suggestion = suggest_for_claim(claim)

    assert suggestion.grade >= 3 and suggestion.probability < 0.45
    assert suggestion.interval[0] < suggestion.probability < suggestion.interval[1]
    text = _reasons(suggestion)
    assert "lowers A non-party could not confirm it: Pat Ryder" in text and "Pentagon" in text
    assert "lowers Stated only by a party to the conflict (Russia–Ukraine war, Ukraine): Kyrylo Budanov" in text
    assert "Kyrylo Budanov is graded C" in text
    assert suggestion.independent_groups == 1  # Budanov and the desk relaying him count once
    assert suggestion.parties_one_side
    assert suggestion.verdicts == 0 and suggestion.leans_on_prior  # no fit yet: the model's starting weights
    # Never applied: the claim is as it was.
    assert Claim.objects.values("credibility", "confidence", "version").get(pk=claim.pk) == before


def test_it_stays_at_most_possibly_true_after_the_desk_refits_on_its_verdict(story):
    fitting.refit()

    suggestion = suggest_for_claim(_troops())

    assert suggestion.verdicts == 1  # the seed story publishes one verdict
    assert "from 1 past verdict" in suggestion.what
    assert suggestion.grade >= 3
    assert suggestion.grade_rule in (
        "Capped at 3: all support comes from parties to a conflict.",
        f"The probability falls in the band of grade {suggestion.grade}.",
    )


def test_it_weighs_credible_non_party_evidence(story):
    claim = _troops()
    pentagon = Source.objects.get(name__startswith="The Pentagon")
    Evidence.objects.create(
        claim=claim,
        kind="official_statement",
        title="Pentagon confirms deployment",
        notes="Briefing transcript",
        provided_by=pentagon,
        stance="supports",
        credibility=2,
    )

    suggestion = suggest_for_claim(claim)

    assert suggestion.independent_groups == 2
    assert not suggestion.parties_one_side
    assert suggestion.grade == 2  # one independent non-party group: probably true, not yet confirmed
    assert "raises Evidence: 1 item supporting it, 0 refuting it" in _reasons(suggestion)


def test_it_gives_six_to_an_opinion_nobody_can_judge(story):
    opinion = Claim.objects.get(text__contains="invading Europe")

    suggestion = suggest_for_claim(opinion)

    assert suggestion.grade == 6 and suggestion.label == "Truth cannot be judged"
    assert suggestion.grade_rule.startswith("Nothing to judge by")


def test_it_reads_the_track_record_of_an_ungraded_source(make_source, make_claim):
    agency = make_source("Wire agency", kind="media_outlet")
    TrackRecord.objects.create(source=agency, mean=0.9, interval_low=0.8, interval_high=0.96, effective_n=12, count=12)
    claim = make_claim(text="The bridge was closed on Monday.", sources=[(agency, "stated")])

    suggestion = suggest_for_claim(claim)

    assert suggestion.reasons[0].factor == "source_record" and suggestion.reasons[0].direction == "raises"
    assert suggestion.reasons[0].text == "Wire agency's track record: 90% true over 12 checked claims"
    assert suggestion.grade == 2  # a credible independent source (its record stands in for a grade): probably true


def test_it_learns_a_source_s_record_from_the_desk_s_verdicts(make_source, alice, erin):
    liar, honest = make_source("Often wrong"), make_source("Usually right")
    for i in range(12):
        publish(f"Claim number {i} by the first speaker about roads.", [(liar, "stated")], alice, erin, "false")
        publish(f"Statement {i} from the second speaker on schools.", [(honest, "stated")], alice, erin, "confirmed")
    fitting.refit()

    from verification.credibility.track_records import recompute_all

    recompute_all()
    fitting.refit()
    doubtful = suggest_for_claim(Claim.objects.create(text="A new claim on bridges.", state="queued"))
    assert doubtful.verdicts == 24
    low = suggest_for_claim(_stated("The first speaker's new claim on taxes.", liar))
    high = suggest_for_claim(_stated("The second speaker's new claim on taxes.", honest))
    assert low.probability < doubtful.probability < high.probability
    assert low.grade > high.grade
    assert any(r.factor == "source_record" and r.direction == "lowers" for r in low.reasons)


def _stated(text, source):
    from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

    return create_claim(None, ClaimInput(text=text, attributions=[AttributionInput(source=source, role="stated")]))
