"""The public verdict page: anyone can read a published verdict; nothing else is public."""

import json
import re

import pytest

from verification.workflow import transitions


def _jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_it_shows_a_published_verdict_to_anyone(client, published):
    response = client.get(f"/claims/{published.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "North Korea has sent 11,000 soldiers" in html
    assert "Unproven" in html and "40%" in html
    assert "Only one party to the war says so" in html  # the rationale
    assert "Kyrylo Budanov stated" in html and "Pentagon could not confirm" in html
    assert "Log out" not in html and "Queue" not in html


@pytest.mark.django_db
def test_it_embeds_the_claimreview_json_ld(client, published):
    data = _jsonld(client.get(f"/claims/{published.pk}/").content.decode())
    assert data["@type"] == "ClaimReview" and data["claimReviewed"].startswith("North Korea has sent")
    assert data["reviewRating"]["alternateName"] == "Unproven" and data["reviewRating"]["ratingValue"] == 3
    assert data["url"].endswith(f"/claims/{published.pk}/")
    assert data["itemReviewed"]["author"]["name"] == "Kyrylo Budanov"


@pytest.mark.django_db
def test_it_escapes_script_endings_in_the_json_ld(client, make_claim, alice, erin):
    claim = make_claim("He wrote </script><script>alert(1)</script> on the wall.")
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="false", confidence=0.9, rationale="No.")
    transitions.sign_off(erin, claim.pk)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert _jsonld(html)["claimReviewed"].startswith("He wrote </script>")


@pytest.mark.django_db
def test_it_answers_404_for_an_unpublished_claim(client, assessed):
    assert client.get(f"/claims/{assessed.pk}/").status_code == 404


@pytest.mark.django_db
def test_it_lists_corrections_with_dates(client, published, frank, alice, erin):
    transitions.reopen(frank, published.pk, "New satellite images.")
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="likely_true", confidence=0.7, rationale="Images show troops.")
    transitions.sign_off(erin, published.pk, note="Corrected after satellite images.")
    html = client.get(f"/claims/{published.pk}/").content.decode()
    assert "Likely true" in html and "70%" in html
    assert "Corrections" in html and "Corrected after satellite images." in html
    assert "the verdict was <strong>Unproven (cannot be confirmed)</strong>" in html


@pytest.mark.django_db
def test_it_keeps_showing_the_verdict_while_reopened(client, published, frank):
    transitions.reopen(frank, published.pk, "New satellite images.")
    html = client.get(f"/claims/{published.pk}/").content.decode()
    assert "Unproven" in html and "Under review again" in html


@pytest.mark.django_db
def test_it_keeps_its_query_count_small(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = client.get(f"/claims/{published.pk}/")
    assert response.status_code == 200
    assert "North Korea has sent 11,000 soldiers" in response.content.decode()
