"""Suggested credibility on the seed story: the 11,000-troops claim, stated by a
party to the war and not confirmed by the Pentagon, is not 'confirmed'."""

import pytest

from verification.credibility.suggestions import suggest_for_claim
from verification.models import Claim, Evidence

pytestmark = pytest.mark.django_db


def _troops(seeded) -> Claim:
    return Claim.objects.get(text__contains="11,000")


def test_it_keeps_the_troop_claim_at_possibly_true_or_cannot_be_judged(seeded):
    claim = _troops(seeded)
    before = Claim.objects.values("credibility", "confidence", "version").get(pk=claim.pk)

    suggestion = suggest_for_claim(claim)

    assert suggestion.credibility in (3, 6)
    assert suggestion.confidence <= 0.6
    text = " ".join(suggestion.reasons)
    assert "party to the conflict" in text and "Russia–Ukraine war, Ukraine" in text and "Kyrylo Budanov" in text
    assert "could not confirm" in text and "Pat Ryder" in text and "Pentagon" in text
    assert suggestion.independent_groups == 1  # Budanov and the desk relaying him count once
    assert suggestion.parties_one_side
    # Never applied: the claim is as it was.
    assert Claim.objects.values("credibility", "confidence", "version").get(pk=claim.pk) == before


def test_it_weighs_credible_non_party_evidence(seeded):
    from sources.models import Source

    claim = _troops(seeded)
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
    assert suggestion.credibility == 2  # one independent non-party group: probably true, not yet confirmed


def test_it_uses_the_seeded_grades_of_the_story_sources(seeded):
    from sources.models import Source

    budanov = Source.objects.get(name="Kyrylo Budanov")
    assert budanov.reliability == "C" and budanov.grades.get().rationale

    # A C-graded party is taken seriously but stops at "possibly true".
    assert suggest_for_claim(_troops(seeded)).credibility == 3


def test_it_lets_the_track_record_of_an_ungraded_source_stand_in_for_a_grade(make_source, make_claim):
    from sources.models import TrackRecord

    agency = make_source("Wire agency", kind="media_outlet")
    TrackRecord.objects.create(source=agency, mean=0.9, interval_low=0.8, interval_high=0.96, effective_n=12, count=12)
    claim = make_claim(text="The bridge was closed on Monday.", sources=[(agency, "stated")])

    suggestion = suggest_for_claim(claim)

    assert suggestion.credibility == 2  # one credible independent source: probably true
    assert any(
        "Wire agency is not graded; its track record (90% true over 12 checked claims)" in r for r in suggestion.reasons
    )
