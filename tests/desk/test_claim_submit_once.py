"""The claim form carries a one-time token: sent twice, it makes one claim and shows it."""

import re

import pytest

from verification.models import Claim, IdempotentRequest

TEXT = "North Korea has sent 11,000 soldiers to Russia."


def _form(token, **extra):
    return {
        "text": TEXT,
        "tags": "war",
        "priority": "50",
        "language": "en",
        "submit_token": token,
        "attr-TOTAL_FORMS": "1",
        "attr-INITIAL_FORMS": "0",
        "attr-MIN_NUM_FORMS": "0",
        "attr-MAX_NUM_FORMS": "20",
        "attr-0-source": "",
        "attr-0-role": "stated",
        **extra,
    }


def _token(html: str) -> str:
    return re.search(r'name="submit_token" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_it_gives_each_shown_form_a_new_token(login, alice):
    client = login(alice)
    first, second = (_token(client.get("/desk/claims/new").content.decode()) for _ in range(2))
    assert len(first) >= 32 and first != second


@pytest.mark.django_db
def test_it_shows_the_claim_a_resent_form_made_and_creates_nothing(login, alice):
    client = login(alice)
    token = _token(client.get("/desk/claims/new").content.decode())
    first = client.post("/desk/claims/new", _form(token))
    claim = Claim.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/desk/claims/{claim.pk}/"

    again = client.post("/desk/claims/new", _form(token), follow=True)
    assert again.redirect_chain == [(f"/desk/claims/{claim.pk}/", 302)]
    assert "This form was already sent: here is the claim it made." in again.content.decode()
    assert Claim.objects.count() == 1
    stored = IdempotentRequest.objects.get()
    assert stored.user == alice and stored.key == token and stored.response_body == {"id": claim.pk}


@pytest.mark.django_db
def test_it_does_not_drop_a_changed_text_sent_with_a_used_token(login, alice):
    client = login(alice)
    token = _token(client.get("/desk/claims/new").content.decode())
    client.post("/desk/claims/new", _form(token))
    claim = Claim.objects.get()
    changed = client.post("/desk/claims/new", _form(token, text="Another statement entirely."))
    assert changed.status_code == 400
    assert f"This form was already sent and made claim {claim.pk}" in changed.content.decode()
    assert list(Claim.objects.values_list("text", flat=True)) == [TEXT]


@pytest.mark.django_db
def test_it_makes_a_claim_for_each_new_form(login, alice):
    client = login(alice)
    for text in (TEXT, "Ukraine says it shot down 40 drones over Odesa on Tuesday night."):
        token = _token(client.get("/desk/claims/new").content.decode())
        assert client.post("/desk/claims/new", _form(token, text=text)).status_code == 302
    assert Claim.objects.count() == 2
