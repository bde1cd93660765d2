"""The intake API: POST /api/v1/intake answers 202 with a batch id; GET shows
progress and proposals; confirm and drop need the review scope."""

import json

from tests.api.core_support import key_client, make_key, problem_of, session_client
from tests.intake.intake_support import ARTICLE
from verification.intake import batches as intake
from verification.models import Claim, IntakeBatch, Proposal


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_it_accepts_an_article_with_202_and_the_batch_address(alice):
    response = post(session_client(alice), "/api/v1/intake", {"text": ARTICLE})
    assert response.status_code == 202
    body = response.json()
    batch = IntakeBatch.objects.get()
    assert (body["id"], body["status"], body["progress"]) == (batch.pk, "pending", {"done": 0, "total": 0})
    assert response["Location"] == f"/api/v1/intake/{batch.pk}"
    assert (batch.created_by, batch.text) == (alice, ARTICLE.strip())


def test_it_shows_progress_and_proposals_once_read(alice, known_sources):
    client = session_client(alice)
    batch_id = post(client, "/api/v1/intake", {"text": ARTICLE}).json()["id"]
    intake.run_batch(batch_id)
    body = client.get(f"/api/v1/intake/{batch_id}").json()
    assert body["status"] == "done" and body["progress"] == {"done": 4, "total": 4}
    first = body["proposals"][0]
    assert first["decision"] == "pending" and "2,600" in first["text"]
    assert first["attributions"][0]["source_id"] == known_sources["budanov"].pk


def test_it_confirms_and_drops_through_the_api(alice, known_sources):
    client = session_client(alice)
    batch_id = post(client, "/api/v1/intake", {"text": ARTICLE}).json()["id"]
    intake.run_batch(batch_id)
    budanov, sybiha, officials, relayed = Proposal.objects.filter(batch_id=batch_id).order_by("position")
    confirmed = post(client, f"/api/v1/intake/proposals/{budanov.pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["decision"] == "confirmed"
    claim = Claim.objects.get(pk=confirmed.json()["claim"])
    assert claim.state == "queued" and claim.attributions.get().source == known_sources["budanov"]
    edited = post(
        client,
        f"/api/v1/intake/proposals/{sybiha.pk}/confirm",
        {
            "text": "North Korea is invading Europe alongside Russia.",
            "attributions": [{"name": "Andrii Sybiha", "role": "opinion", "source_id": known_sources["outlet"].pk}],
        },
    )
    assert edited.json()["decision"] == "edited"
    assert Claim.objects.get(pk=edited.json()["claim"]).text == "North Korea is invading Europe alongside Russia."
    assert post(client, f"/api/v1/intake/proposals/{officials.pk}/drop").json()["decision"] == "dropped"
    assert Claim.objects.count() == 2


def test_it_answers_problems_a_client_can_act_on(alice, known_sources):
    client = session_client(alice)
    batch_id = post(client, "/api/v1/intake", {"text": ARTICLE}).json()["id"]
    intake.run_batch(batch_id)
    sybiha = Proposal.objects.get(batch_id=batch_id, position=1)
    refused = problem_of(post(client, f"/api/v1/intake/proposals/{sybiha.pk}/confirm"), 403)
    assert "needs an admin" in refused["detail"]
    post(client, f"/api/v1/intake/proposals/{sybiha.pk}/drop")
    again = problem_of(post(client, f"/api/v1/intake/proposals/{sybiha.pk}/drop"), 409)
    assert "already dropped by alice" in again["detail"]
    problem_of(post(client, "/api/v1/intake/proposals/999999/confirm"), 404)
    problem_of(client.get("/api/v1/intake/999999"), 404)
    assert not Claim.objects.exists()


def test_it_refuses_ids_no_row_can_have_and_keeps_the_proposal_pending(alice, known_sources):
    # A source id past 64 bits once reached the database and answered 500 on SQLite.
    client = session_client(alice)
    batch_id = post(client, "/api/v1/intake", {"text": ARTICLE}).json()["id"]
    intake.run_batch(batch_id)
    budanov = Proposal.objects.get(batch_id=batch_id, position=0)
    huge = {"attributions": [{"name": "Budanov", "role": "stated", "source_id": 2**70}]}
    refused = problem_of(post(client, f"/api/v1/intake/proposals/{budanov.pk}/confirm", huge), 400)
    assert list(refused["errors"]) == ["attributions.0.source_id"]
    refused = problem_of(post(client, f"/api/v1/intake/proposals/{budanov.pk}/confirm", {"link_to": -3}), 400)
    assert list(refused["errors"]) == ["link_to"]
    budanov.refresh_from_db()
    assert budanov.decision == "pending" and not Claim.objects.exists()


def test_it_needs_the_review_scope(alice, carol):
    read_key = key_client(make_key("read"))
    problem_of(post(read_key, "/api/v1/intake", {"text": ARTICLE}), 403)
    problem_of(post(session_client(carol), "/api/v1/intake", {"text": ARTICLE}), 403)
    problem_of(post(key_client("cd_not_a_key"), "/api/v1/intake", {"text": ARTICLE}), 401)
    review_key = key_client(make_key("review", user=alice))
    assert post(review_key, "/api/v1/intake", {"text": ARTICLE}).status_code == 202
    batch = IntakeBatch.objects.get()
    problem_of(read_key.get(f"/api/v1/intake/{batch.pk}"), 403)  # pasted articles are internal
    assert batch.created_by == alice
