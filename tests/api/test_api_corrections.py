"""The API side of "published means frozen" and of corrections: PATCH on a
published claim's text is 409, corrections are proposed by one editor and
approved by another, read keys see only what readers see."""

import json

import pytest

from tests.api.core_support import key_client, make_key, problem_of, publish, session_client
from verification.models import Claim, ClaimEvent, Correction, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

TYPO = "North Korea has sent 11,000 soldiers to Rusia."
FIXED = "North Korea has sent 11,000 soldiers to Russia."


@pytest.fixture
def claim(make_claim, alice, erin):
    return publish(make_claim(TYPO), alice, erin)


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _version(claim) -> int:
    return Claim.objects.get(pk=claim.pk).version


def _propose(client, claim, text=FIXED, reason="Spelling of Russia."):
    return _post(
        client, f"/api/v1/claims/{claim.pk}/corrections", {"text": text, "reason": reason, "version": _version(claim)}
    )


def test_it_answers_409_to_a_patch_of_a_published_claims_text_and_changes_nothing(claim, erin):
    before = Claim.objects.get(pk=claim.pk)
    response = session_client(erin).patch(
        f"/api/v1/claims/{claim.pk}",
        json.dumps({"text": "North Korea has sent 12,000 soldiers to Russia."}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim.pk}-{before.version}"',
    )
    body = problem_of(response, 409)
    assert body["type"] == "urn:claimdesk:problem:published_claim_frozen"
    assert "Reopen the claim first" in body["detail"] and "correction" in body["detail"]
    after = Claim.objects.get(pk=claim.pk)
    assert (after.text, after.version, after.state, after.verdict) == (TYPO, before.version, "published", "false")
    assert not after.events.filter(kind="edited").exists()


def test_it_still_patches_a_published_claims_priority(claim, erin):
    version = _version(claim)
    response = session_client(erin).patch(
        f"/api/v1/claims/{claim.pk}",
        json.dumps({"priority": 95}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim.pk}-{version}"',
    )
    assert response.status_code == 200 and response.json()["priority"] == 95
    assert response.json()["published_verdict"]["text"] == TYPO


def test_it_proposes_and_approves_a_correction_with_four_eyes(claim, erin, frank):
    endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==")
    proposed = _propose(session_client(erin), claim)
    assert proposed.status_code == 201, proposed.content
    body = proposed.json()
    assert (body["outcome"], body["old_text"], body["new_text"], body["proposed_by"]) == (
        "pending",
        TYPO,
        FIXED,
        "erin",
    )
    assert body["claim_version"] == _version(claim) and proposed["ETag"] == f'"{claim.pk}-{_version(claim)}"'
    assert proposed["Location"] == f"/api/v1/claims/{claim.pk}/corrections/{body['id']}"
    approve = f"/api/v1/claims/{claim.pk}/corrections/{body['id']}/approve"

    own = problem_of(_post(session_client(erin), approve, {"version": body["claim_version"]}), 403)
    assert "another editor must approve it" in own["detail"]
    assert Claim.objects.get(pk=claim.pk).public_text == TYPO

    approved = _post(session_client(frank), approve, {"version": body["claim_version"], "note": "Typo."})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["outcome"], approved.json()["decided_by"]) == ("approved", "frank")

    detail = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}").json()
    assert detail["text"] == detail["published_verdict"]["text"] == FIXED
    assert detail["published_verdict"]["corrected_at"] is not None
    review = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/claimreview").json()
    assert review["claimReviewed"] == FIXED and review["dateModified"] > review["datePublished"]
    event = WebhookEvent.objects.get(type="claim.corrected")
    assert event.payload["data"]["new_text"] == FIXED and event.payload["data"]["reason"] == "Spelling of Russia."
    assert WebhookDelivery.objects.get(event=event).endpoint == endpoint


def test_it_refuses_a_fact_checker_and_a_read_key(claim, alice, erin):
    assert problem_of(_propose(session_client(alice), claim), 403)
    assert problem_of(_propose(key_client(make_key("read")), claim), 403)
    correction = _propose(session_client(erin), claim).json()
    approve = f"/api/v1/claims/{claim.pk}/corrections/{correction['id']}/approve"
    assert problem_of(_post(session_client(alice), approve, {"version": correction["claim_version"]}), 403)
    assert problem_of(key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/corrections"), 403)
    assert Correction.objects.get().outcome == "pending"
    assert Claim.objects.get(pk=claim.pk).public_text == TYPO


def test_it_lists_corrections_to_reviewers(claim, alice, erin, frank):
    first = _propose(session_client(erin), claim).json()
    _post(
        session_client(frank),
        f"/api/v1/claims/{claim.pk}/corrections/{first['id']}/reject",
        {"version": first["claim_version"], "note": "Changes the meaning."},
    )
    _propose(session_client(frank), claim, reason="Russia, spelled right.")
    listed = session_client(alice).get(f"/api/v1/claims/{claim.pk}/corrections")
    assert listed.status_code == 200
    rows = listed.json()
    assert [(r["proposed_by"], r["outcome"], r["decided_by"]) for r in rows] == [
        ("erin", "rejected", "frank"),
        ("frank", "pending", None),
    ]
    assert rows[0]["decision_note"] == "Changes the meaning."


def test_it_answers_problems_for_illegal_corrections(claim, make_claim, erin, frank):
    unpublished = make_claim("A claim nobody has checked yet.")
    body = problem_of(_propose(session_client(erin), unpublished, text="A claim nobody checked yet."), 409)
    assert body["type"].endswith("illegal_move") and "Only a published claim" in body["detail"]

    numbers = problem_of(_propose(session_client(erin), claim, text=FIXED.replace("11", "12")), 400)
    assert "Reopen the claim instead" in numbers["errors"]["text"][0]

    correction = _propose(session_client(erin), claim).json()
    pending = problem_of(_propose(session_client(frank), claim, text=FIXED + "!"), 409)
    assert pending["type"].endswith("correction_pending")

    reject = f"/api/v1/claims/{claim.pk}/corrections/{correction['id']}/reject"
    no_reason = problem_of(_post(session_client(frank), reject, {"version": correction["claim_version"]}), 400)
    assert "note" in no_reason["errors"]
    stale = problem_of(_post(session_client(frank), reject, {"version": 1, "note": "No."}), 409)
    assert stale["type"].endswith("stale_version") and stale["changed_by"] == "erin"
    missing = f"/api/v1/claims/{claim.pk}/corrections/999999/approve"
    assert problem_of(_post(session_client(frank), missing, {"version": correction["claim_version"]}), 404)
    assert Correction.objects.get().outcome == "pending"
    assert not ClaimEvent.objects.filter(claim=claim, kind="corrected").exists()


def test_it_lets_the_author_withdraw_a_correction(claim, erin):
    correction = _propose(session_client(erin), claim).json()
    withdrawn = _post(
        session_client(erin),
        f"/api/v1/claims/{claim.pk}/corrections/{correction['id']}/withdraw",
        {"version": correction["claim_version"], "note": "Proposed on the wrong claim."},
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["outcome"] == "withdrawn"
    assert withdrawn.json()["claim_version"] == correction["claim_version"] + 1
    assert Claim.objects.get(pk=claim.pk).public_text == TYPO


def test_it_documents_the_correction_paths_in_the_schema(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/claims/{id}/corrections"])
    for action in ("approve", "reject", "withdraw"):
        operation = paths[f"/api/v1/claims/{{id}}/corrections/{{cid}}/{action}"]["post"]
        assert {"200", "403", "404", "409"} <= set(operation["responses"])
    assert "409" in paths["/api/v1/claims/{id}"]["patch"]["responses"]
    assert "text" in schema["components"]["schemas"]["PublishedVerdict"]["properties"]
