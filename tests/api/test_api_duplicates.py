"""POST /api/v1/claims looks for the claim before making it: an existing claim
with nearly the same text answers 409 `likely_duplicate` with the candidates,
unless the client sends "force": true."""

import json

import pytest

from tests.api.core_support import key_client, make_key, problem_of, publish
from verification.models import Claim

TROOPS = "Kyrylo Budanov said 11,000 North Korean troops are in Russia's Kursk region."


def post(client, body):
    return client.post("/api/v1/claims", json.dumps(body), content_type="application/json")


@pytest.fixture
def client(alice):
    return key_client(make_key("review", user=alice))


@pytest.mark.django_db
def test_a_reworded_copy_gets_the_existing_claim_with_its_verdict(client, make_claim, alice, erin):
    existing = publish(make_claim(text=TROOPS), alice, erin, verdict="unproven")
    resent = "Budanov says 11 000 North Korean troops are in Russia's Kursk region"
    body = problem_of(post(client, {"text": resent}), 409)
    assert body["title"] == "Likely duplicate" and "force" in body["detail"]
    (candidate,) = body["candidates"]
    assert candidate["id"] == existing.pk and candidate["text"] == TROOPS
    assert candidate["state"] == "published" and candidate["verdict"] == "unproven"
    assert candidate["url"] == f"/api/v1/claims/{existing.pk}" and 0.8 <= candidate["score"] <= 1
    assert Claim.objects.count() == 1  # nothing made


@pytest.mark.django_db
def test_force_makes_it_anyway(client, make_claim):
    make_claim(text=TROOPS)
    response = post(client, {"text": TROOPS, "force": True})
    assert response.status_code == 201, response.content
    assert Claim.objects.filter(text=TROOPS).count() == 2


@pytest.mark.django_db
def test_a_different_claim_on_the_same_subject_goes_through(client, make_claim):
    make_claim(text=TROOPS)
    response = post(client, {"text": "North Korean troops in Kursk have suffered heavy losses, the Pentagon said."})
    assert response.status_code == 201, response.content
    assert Claim.objects.count() == 2


@pytest.mark.django_db
def test_force_must_be_a_boolean(client):
    body = problem_of(post(client, {"text": TROOPS, "force": "perhaps"}), 400)
    assert "force" in body["errors"]
    assert not Claim.objects.exists()
