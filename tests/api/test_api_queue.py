"""The review queue through the API: lease, assess, sign off, return, reopen."""

import json

import pytest

from tests.api.core_support import key_client, make_key, problem_of, session_client
from verification.models import Claim


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.mark.django_db
def test_it_leases_the_next_claim_and_gives_it_back_on_repeat(alice, make_claim):
    low, high = make_claim(text="Low", priority=10), make_claim(text="High", priority=95)
    client = key_client(make_key("review", alice))
    first = post(client, "/api/v1/queue/next")
    assert first.status_code == 200 and first.json()["id"] == high.pk
    assert first.json()["lease_owner"] == "alice" and first.json()["lease_expires_at"]
    assert first["ETag"] == f'"{high.pk}-{first.json()["version"]}"'
    again = post(client, "/api/v1/queue/next")
    assert again.status_code == 200 and again.json()["id"] == high.pk  # safe to repeat
    assert Claim.objects.get(pk=low.pk).lease_owner is None
    assert Claim.objects.get(pk=high.pk).lease_owner == alice


@pytest.mark.django_db
def test_it_answers_204_when_nothing_is_queued(alice):
    response = post(session_client(alice), "/api/v1/queue/next")
    assert response.status_code == 204 and response.content == b""


@pytest.mark.django_db
def test_it_runs_a_claim_from_queue_to_published_and_reopened(alice, erin, make_claim):
    claim = make_claim()
    alice_client, erin_client = key_client(make_key("review", alice)), key_client(make_key("review", erin))
    version = post(alice_client, "/api/v1/queue/next").json()["version"]
    version = post(alice_client, f"/api/v1/claims/{claim.pk}/extend", {"version": version}).json()["version"]
    assessed = post(
        alice_client,
        f"/api/v1/claims/{claim.pk}/assess",
        {"version": version, "verdict": "not_checkable", "confidence": 0.5, "rationale": "An opinion."},
    )
    assert assessed.status_code == 200 and assessed.json()["state"] == "awaiting_signoff"
    assert assessed.json()["pending_assessment"]["verdict"] == "not_checkable"

    own = post(alice_client, f"/api/v1/claims/{claim.pk}/signoff", {"version": assessed.json()["version"]})
    problem_of(own, 403)  # fact-checkers cannot sign off, least of all their own verdict
    published = post(erin_client, f"/api/v1/claims/{claim.pk}/signoff", {"version": assessed.json()["version"]})
    assert published.status_code == 200 and published.json()["verdict"] == "not_checkable"

    reopened = post(
        erin_client,
        f"/api/v1/claims/{claim.pk}/reopen",
        {"version": published.json()["version"], "reason": "A source retracted."},
    )
    assert reopened.json()["state"] == "reopened" and reopened.json()["verdict"] == "not_checkable"
    saved = Claim.objects.get(pk=claim.pk)
    assert saved.state == "reopened" and saved.verdict == "not_checkable"
    assert list(saved.events.values_list("kind", flat=True)) == [
        "created",
        "taken",
        "extended",
        "assessed",
        "published",
        "reopened",
    ]


@pytest.mark.django_db
def test_it_returns_an_assessment_with_a_comment(alice, erin, make_claim):
    claim = make_claim()
    alice_client, erin_client = session_client(alice), session_client(erin)
    version = post(alice_client, "/api/v1/queue/next").json()["version"]
    version = post(
        alice_client,
        f"/api/v1/claims/{claim.pk}/assess",
        {"version": version, "verdict": "false", "confidence": 0.9, "rationale": "Old."},
    ).json()["version"]
    missing = problem_of(post(erin_client, f"/api/v1/claims/{claim.pk}/return", {"version": version}), 400)
    assert "comment" in missing["errors"]
    returned = post(erin_client, f"/api/v1/claims/{claim.pk}/return", {"version": version, "comment": "Source?"})
    assert returned.status_code == 200 and returned.json()["state"] == "in_review"
    assert Claim.objects.get(pk=claim.pk).lease_owner == alice


@pytest.mark.django_db
def test_it_refuses_actions_without_a_version_illegal_moves_and_unknown_claims(alice, make_claim):
    claim = make_claim()
    client = session_client(alice)
    assert "version" in problem_of(post(client, f"/api/v1/claims/{claim.pk}/release", {}), 400)["errors"]
    illegal = problem_of(post(client, f"/api/v1/claims/{claim.pk}/release", {"version": claim.version}), 409)
    assert illegal["type"].endswith("illegal_move")
    problem_of(post(client, "/api/v1/claims/999999/release", {"version": 1}), 404)
    bad = problem_of(
        post(
            client,
            f"/api/v1/claims/{claim.pk}/assess",
            {"version": claim.version, "verdict": "maybe", "confidence": 2, "rationale": ""},
        ),
        400,
    )
    assert {"verdict", "confidence", "rationale"} <= set(bad["errors"])
    assert Claim.objects.get(pk=claim.pk).version == claim.version
