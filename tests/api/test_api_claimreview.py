"""schema.org ClaimReview of a published verdict, from the API and for the page."""

import pytest
from django.core.management import call_command

from tests.api.core_support import key_client, make_key, publish
from tests.conftest import make_user
from verification.models import Claim, Verdict
from verification.workflow import transitions
from verification.workflow.claimreview import RATING, build_claimreview, jsonld_script


def _check_required(review: dict, claim: Claim) -> None:
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"].endswith(f"/claims/{claim.pk}/")
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert review["datePublished"].endswith("Z")
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["bestRating"] == 5 and rating["worstRating"] == 1
    assert rating["ratingValue"] == RATING[claim.verdict] and rating["alternateName"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] and item["appearance"]
    assert all(a["@type"] == "CreativeWork" and a["url"].startswith("http") for a in item["appearance"])


@pytest.mark.django_db
def test_it_describes_a_seed_claims_published_verdict(settings):
    settings.ORGANISATION_NAME = "Kyiv Fact Desk"
    make_user("factchecker", "fact-checkers")
    make_user("editor", "editors")
    call_command("seed", verbosity=0)
    claim = Claim.objects.exclude(published_assessment=None).get()
    response = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/claimreview")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    review = response.json()
    _check_required(review, claim)
    assert review["author"]["name"] == "Kyiv Fact Desk"
    assert review["reviewRating"] == {**review["reviewRating"], "ratingValue": 4, "alternateName": "Likely true"}
    assert "dateModified" not in review


@pytest.mark.django_db
def test_it_names_the_stating_source_and_the_appearances(alice, erin, make_claim, make_source):
    outlet, budanov = make_source(name="Reuters", kind="media_outlet", homepage="https://reuters.com/"), make_source()
    claim = make_claim(
        sources=[(outlet, "relayed"), (budanov, "stated")],
        appearances=[{"url": "https://reuters.com/world/1", "title": "Troops", "outlet": outlet}],
    )
    publish(claim, alice, erin, verdict="confirmed")
    review = build_claimreview(Claim.objects.get(pk=claim.pk))
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Kyrylo Budanov"}
    assert review["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://reuters.com/world/1", "headline": "Troops"}
    ]
    assert review["reviewRating"]["ratingValue"] == 5 and review["reviewRating"]["alternateName"] == "Confirmed"


@pytest.mark.django_db
def test_it_adds_date_modified_after_a_correction_and_keeps_it_while_reopened(
    alice, bob, erin, make_claim, make_source
):
    claim = make_claim(sources=[(make_source(), "stated")], appearances=[{"url": "https://news.example/1"}])
    publish(claim, alice, erin, verdict="false")
    first = build_claimreview(Claim.objects.get(pk=claim.pk))
    transitions.reopen(erin, claim.pk, "New video")
    during = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/claimreview").json()
    assert during["reviewRating"]["ratingValue"] == 1 and during["datePublished"] == first["datePublished"]
    transitions.reassign(erin, claim.pk, bob)
    transitions.assess(bob, claim.pk, verdict="misleading", confidence=0.6, rationale="Partly true.")
    transitions.sign_off(erin, claim.pk)
    corrected = build_claimreview(Claim.objects.get(pk=claim.pk))
    assert corrected["datePublished"] == first["datePublished"]
    assert corrected["dateModified"] > corrected["datePublished"]
    assert corrected["reviewRating"]["ratingValue"] == 2


def test_it_maps_every_verdict_onto_one_to_five():
    assert set(RATING) == set(Verdict) and set(RATING.values()) <= {1, 2, 3, 4, 5}
    assert RATING[Verdict.FALSE] == 1 and RATING[Verdict.CONFIRMED] == 5


def test_it_embeds_json_ld_that_cannot_close_its_script():
    html = jsonld_script({"claimReviewed": "</script><script>alert(1)</script> & more"})
    assert html.startswith('<script type="application/ld+json">') and html.count("</script>") == 1
    assert "\\u003c/script\\u003e" in html and "\\u0026" in html
