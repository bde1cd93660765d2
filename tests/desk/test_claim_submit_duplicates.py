"""Submitting a claim the desk already has: the form asks "is it one of these?"
and the fact-checker adds what they have to the existing claim, or says it is
a new claim."""

import re

import pytest

from tests.api.core_support import publish
from verification.models import Appearance, Claim, ClaimEvent

TROOPS = "Kyrylo Budanov said 11,000 North Korean troops are in Russia's Kursk region."
RESUBMITTED = "Budanov says 11 000 North Korean troops are in Russia's Kursk region"


def _form(text=RESUBMITTED, **extra):
    return {
        "text": text,
        "tags": "",
        "priority": "50",
        "language": "en",
        "appeared_url": "https://news.example.org/kursk-troops",
        "submit_token": extra.pop("token", "tok-" + str(abs(hash(text)))),
        "attr-TOTAL_FORMS": "1",
        "attr-INITIAL_FORMS": "0",
        "attr-MIN_NUM_FORMS": "0",
        "attr-MAX_NUM_FORMS": "20",
        "attr-0-source": "",
        "attr-0-role": "stated",
        **extra,
    }


def _checked(html: str) -> str:
    return re.search(r'name="duplicates_checked" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_it_asks_before_making_a_second_claim(login, alice, make_claim):
    existing = make_claim(text=TROOPS)
    response = login(alice).post("/desk/claims/new", _form())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is it one of these?" in html and TROOPS.replace("'", "&#x27;") in html
    assert f'name="link_to" value="{existing.pk}"' in html and "It is a new claim: submit it" in html
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_adding_to_the_existing_claim_keeps_where_it_appeared(login, alice, make_claim):
    existing = make_claim(text=TROOPS)
    client = login(alice)
    response = client.post("/desk/claims/new", _form(link_to=str(existing.pk)), follow=True)
    assert response.redirect_chain[-1][0] == f"/desk/claims/{existing.pk}/"
    assert f"Added to claim {existing.pk}" in response.content.decode()
    assert Claim.objects.count() == 1
    assert Appearance.objects.get(claim=existing).url == "https://news.example.org/kursk-troops"
    event = ClaimEvent.objects.filter(claim=existing, kind="edited").get()
    assert event.actor == alice and event.changes["text_seen"] == RESUBMITTED
    assert event.changes["appearances_added"] == ["https://news.example.org/kursk-troops"]


@pytest.mark.django_db
def test_saying_it_is_new_makes_it_and_a_changed_text_is_asked_about_again(login, alice, make_claim):
    make_claim(text=TROOPS)
    client = login(alice)
    checked = _checked(client.post("/desk/claims/new", _form()).content.decode())
    other_text = "Kyrylo Budanov said 11,000 North Korean troops are now in Russia's Kursk region."
    asked_again = client.post("/desk/claims/new", _form(text=other_text, duplicates_checked=checked))
    assert "Is it one of these?" in asked_again.content.decode()
    made = client.post("/desk/claims/new", _form(duplicates_checked=checked))
    assert made.status_code == 302
    assert Claim.objects.filter(text=RESUBMITTED).count() == 1


@pytest.mark.django_db
def test_a_published_claim_is_shown_but_not_added_to(login, alice, erin, make_claim):
    existing = publish(make_claim(text=TROOPS), alice, erin, verdict="unproven")
    client = login(alice)
    html = client.post("/desk/claims/new", _form()).content.decode()
    assert "Published: reopen it to add to it." in html and f'name="link_to" value="{existing.pk}"' not in html
    refused = client.post("/desk/claims/new", _form(link_to=str(existing.pk)))
    assert refused.status_code == 400 and "published" in refused.content.decode().lower()
    assert Claim.objects.count() == 1 and not Appearance.objects.exists()
