"""The claim page shows the suggested credibility with its meaning, the
confidence, the reasons and the corroboration groups."""

import pytest

from verification.models import Claim

pytestmark = pytest.mark.django_db


def test_it_shows_the_suggestion_on_the_claim_page(client, alice, seeded):
    claim = Claim.objects.get(text__contains="11,000")
    client.force_login(alice)

    response = client.get(f"/desk/claims/{claim.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Suggested credibility" in html
    assert "3 – Possibly true" in html and "reasonably logical in itself" in html
    assert "suggested confidence" in html
    assert "Pat Ryder" in html and "could not confirm" in html
    assert "1</span> independent group states or supports it" in html
    assert "All support comes from parties to one side of a conflict" in html
    assert "It is never applied" in html
    assert Claim.objects.get(pk=claim.pk).credibility is None


def test_it_shows_no_suggestion_panel_content_for_a_bare_claim(client, alice, make_claim):
    claim = make_claim(text="A claim nobody is on record for.")
    client.force_login(alice)

    html = client.get(f"/desk/claims/{claim.pk}/").content.decode()

    assert "6 – Truth cannot be judged" in html
    assert "Nothing states or supports the claim yet." in html
    assert "0</span> independent groups state or support it" in html
