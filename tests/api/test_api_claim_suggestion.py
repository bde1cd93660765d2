"""GET /api/v1/claims/{id} carries the desk's suggested credibility for review keys only:
{grade, label, probability, interval, reasons[]}, the numbers the claim page shows."""

import pytest

from tests.api.core_support import key_client, make_key
from verification.credibility.suggestions import suggest_for_claim
from verification.models import Claim

pytestmark = pytest.mark.django_db


def test_it_gives_a_review_key_the_suggestion(seeded, bob):
    claim = Claim.objects.get(text__contains="11,000")

    response = key_client(make_key("review", bob)).get(f"/api/v1/claims/{claim.pk}")

    assert response.status_code == 200
    suggestion = response.json()["suggestion"]
    assert set(suggestion) == {"grade", "label", "probability", "interval", "reasons"}
    assert suggestion == suggest_for_claim(claim).as_api()
    assert 3 <= suggestion["grade"] <= 6 and suggestion["label"] == {
        3: "Possibly true",
        4: "Doubtful",
        5: "Improbable",
    }.get(suggestion["grade"], "Truth cannot be judged")
    low, high = suggestion["interval"]
    assert 0 <= low <= suggestion["probability"] <= high <= 1
    assert len(suggestion["reasons"]) == 3
    assert all(set(r) == {"factor", "direction", "text"} for r in suggestion["reasons"])
    assert {"factor": "not_confirmed", "direction": "lowers"}.items() <= next(
        r for r in suggestion["reasons"] if r["factor"] == "not_confirmed"
    ).items()
    assert Claim.objects.get(pk=claim.pk).credibility is None  # shown, never applied


def test_it_gives_a_read_key_no_suggestion(seeded):
    claim = Claim.objects.get(text__contains="11,000")

    data = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}").json()

    assert data["id"] == claim.pk and "suggestion" not in data


def test_it_leaves_the_suggestion_out_of_claim_lists(seeded, bob):
    data = key_client(make_key("review", bob)).get("/api/v1/claims").json()

    assert data["results"] and all("suggestion" not in c for c in data["results"])
