"""POST /claims with an Idempotency-Key: a retry answers the first response and creates nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.core_support import key_client, make_key, problem_of, session_client
from verification.models import Claim, IdempotentRequest

BODY = {"text": "North Korea has sent 11,000 soldiers to Russia.", "priority": 80, "tags": ["troops"]}


def post(client, body=BODY, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/claims", json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_it_answers_a_retry_with_the_first_response_and_makes_one_claim(alice):
    client = key_client(make_key("review", user=alice))
    first = post(client, key="a1b2c3")
    assert first.status_code == 201, first.content
    # The same body with other key order and spacing is the same request.
    retry = client.post(
        "/api/v1/claims",
        json.dumps(dict(reversed(BODY.items())), indent=2),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="a1b2c3",
    )
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"] == f"/api/v1/claims/{first.json()['id']}"
    assert retry["ETag"] == first["ETag"]
    assert retry["Idempotent-Replayed"] == "true"
    claim = Claim.objects.get()
    assert claim.pk == first.json()["id"] and claim.created_by == alice
    stored = IdempotentRequest.objects.get()
    assert stored.key == "a1b2c3" and stored.user is None and stored.api_key.user == alice
    assert stored.response_status == 201 and stored.response_body["id"] == claim.pk


@pytest.mark.django_db
def test_it_refuses_the_same_key_with_another_body(alice):
    client = key_client(make_key("review", user=alice))
    assert post(client, key="k-1").status_code == 201
    body = problem_of(post(client, {**BODY, "text": "Another claim altogether."}, key="k-1"), 422)
    assert body["type"] == "urn:claimdesk:problem:idempotency_key_reused"
    assert "new key" in body["detail"]
    assert list(Claim.objects.values_list("text", flat=True)) == [BODY["text"]]


@pytest.mark.django_db
def test_it_keeps_the_keys_of_different_callers_apart(alice, bob):
    alice_key, alice_other_key = make_key("review", user=alice), make_key("review", user=alice, name="second")
    for client in (key_client(alice_key), key_client(alice_other_key), session_client(bob)):
        response = post(client, {**BODY, "force": True}, key="same-key")  # force: the same text thrice on purpose
        assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Claim.objects.count() == 3
    assert IdempotentRequest.objects.filter(key="same-key").count() == 3
    assert IdempotentRequest.objects.get(user=bob).api_key is None  # a session's keys are its user's


@pytest.mark.django_db
def test_without_a_key_a_resent_claim_is_caught_as_a_duplicate(alice):
    client = key_client(make_key("review", user=alice))
    first = post(client)
    assert first.status_code == 201
    again = problem_of(post(client), 409)
    assert again["type"] == "urn:claimdesk:problem:likely_duplicate"
    assert [c["id"] for c in again["candidates"]] == [first.json()["id"]]
    assert Claim.objects.count() == 1 and not IdempotentRequest.objects.exists()
    assert post(client, {**BODY, "force": True}).status_code == 201
    assert Claim.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_a_key_longer_than_200_characters(alice):
    client = key_client(make_key("review", user=alice))
    body = problem_of(post(client, key="k" * 201), 400)
    assert "Idempotency-Key" in body["errors"]
    assert post(client, key="k" * 200).status_code == 201
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_it_stores_nothing_when_the_body_is_refused(alice):
    client = key_client(make_key("review", user=alice))
    problem_of(post(client, {**BODY, "text": ""}, key="k-2"), 400)
    assert not IdempotentRequest.objects.exists() and not Claim.objects.exists()
    assert post(client, key="k-2").status_code == 201  # the corrected retry goes through
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_it_forgets_a_key_after_the_idempotency_window(alice, settings):
    client = key_client(make_key("review", user=alice))
    assert post(client, key="old").status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_HOURS, minutes=1))
    again = post(client, {**BODY, "text": "A new claim a day later."}, key="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Claim.objects.count() == 2
    assert IdempotentRequest.objects.get().response_body["id"] == again.json()["id"]
