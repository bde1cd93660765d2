"""The claim page shows published verdicts on similar claims: the desk's own,
and other fact-checkers' imported reviews, each said to be whose it is."""

import json

import pytest

from tests.api.core_support import publish
from verification.intake.claimreview_import import parse
from verification.workflow.external_reviews import import_reviews

AFP_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.afp.com/north-korean-troops-kursk",
    "claimReviewed": "11,000 North Korean troops are fighting in Russia's Kursk region",
    "author": {"@type": "Organization", "name": "AFP Fact Check", "url": "https://factcheck.afp.com"},
    "datePublished": "2024-11-05",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
}


@pytest.mark.django_db
def test_it_shows_the_desks_and_other_fact_checkers_verdicts(login, alice, erin, make_claim):
    earlier = publish(
        make_claim(text="Budanov said 11,000 North Korean troops were moved to the Kursk region."),
        alice,
        erin,
        verdict="unproven",
    )
    import_reviews(None, parse(json.dumps(AFP_REVIEW), "afp.json"))
    claim = make_claim(text="There are 11,000 North Korean troops in Russia's Kursk region, Budanov says.")
    html = login(alice).get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "Checked before" in html
    assert "<strong>AFP Fact Check</strong> rated a similar claim <strong>False</strong>" in html
    assert '<time datetime="2024-11-05' in html and 'href="https://factcheck.afp.com/north-korean-troops-kursk"' in html
    assert f'This desk rated <a href="/desk/claims/{earlier.pk}/">claim {earlier.pk}</a>' in html


@pytest.mark.django_db
def test_an_unpublished_claim_and_the_claim_itself_are_not_shown(login, alice, make_claim):
    make_claim(text="Budanov said 11,000 North Korean troops were moved to the Kursk region.")  # queued
    claim = make_claim(text="There are 11,000 North Korean troops in Russia's Kursk region, Budanov says.")
    html = login(alice).get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "No published verdict on a similar claim" in html
