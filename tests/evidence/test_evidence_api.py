"""GET|POST /api/v1/claims/{id}/evidence: JSON with a URL or notes, multipart
with a file; problems as application/problem+json; read scope to list,
review scope to add."""

import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.evidence.evidence_support import EXE, PNG, upload
from verification.api.keys import create_key
from verification.evidence.writes import add_evidence_file, add_evidence_url
from verification.models import Evidence, StoredFile

BRIEFING = "https://www.defense.gov/News/Transcripts/pentagon-press-briefing/"


def key_client(scope, user=None) -> Client:
    _, raw = create_key(f"{scope} key", scope, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def url(claim_id) -> str:
    return f"/api/v1/claims/{claim_id}/evidence"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_it_adds_a_url_as_json_and_answers_the_item_pending_capture(alice, make_claim):
    claim = make_claim()
    response = key_client("review", alice).post(
        url(claim.id),
        {
            "url": BRIEFING,
            "title": "Pentagon briefing",
            "kind": "official_statement",
            "stance": "supports",
            "credibility": 2,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get()
    assert (body["id"], body["url"], body["capture_status"], body["stance"]) == (
        evidence.id,
        BRIEFING,
        "pending",
        "supports",
    )
    assert [c["action"] for c in body["custody"]] == ["added", "capture_requested"]
    assert body["custody"][0]["actor"] == "alice"
    assert (evidence.added_by, evidence.kind, evidence.credibility) == (alice, "official_statement", 2)


def test_it_uploads_a_file_as_multipart_and_answers_its_hash(alice, make_claim, media_root):
    claim = make_claim()
    response = key_client("review", alice).post(
        url(claim.id),
        {
            "file": upload(PNG, "video-still.png", "application/octet-stream"),
            "title": "Video still",
            "stance": "refutes",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest() == StoredFile.objects.get().sha256
    assert body["stored_file"]["content_type"] == "image/png" and body["kind"] == "image"
    assert body["download_url"] == f"/desk/evidence/{body['id']}/download"


def _get_counting_queries(client, path, settings):
    """The answer and the SQL of the request. Rate-limit counters go to a
    process-local cache here: they are the throttle's queries, not the view's,
    and they differ by database and cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries]


def _seven_items(alice, make_claim):
    claim, other = make_claim(), make_claim(text="Another claim.")
    add_evidence_url(alice, other.id, BRIEFING, capture=False)
    for n in range(5):
        add_evidence_url(alice, claim.id, f"{BRIEFING}?page={n}", capture=False)
    add_evidence_url(alice, claim.id, BRIEFING, capture=False, notes="Internal: from the desk's contact.")
    add_evidence_file(alice, claim.id, upload(PNG))
    return claim, other


def test_it_lists_evidence_with_snapshots_custody_and_related_items_to_reviewers(
    alice, make_claim, media_root, settings
):
    claim, other = _seven_items(alice, make_claim)
    client = key_client("review", alice)

    response, queries = _get_counting_queries(client, url(claim.id), settings)

    # key + its last_used_at, the user's roles, claim, evidence, 3 prefetches, related, media ratings,
    # trusted timestamps and what the file says (asked because one item has a hash and a file)
    assert len(queries) == 12, queries

    items = response.json()["results"]
    assert len(items) == 7
    assert [r["claim_id"] for r in items[5]["related"]] == [other.id]
    assert items[5]["notes"] == "Internal: from the desk's contact."
    assert {c["actor"] for item in items for c in item["custody"]} == {"alice"}


def test_it_lists_read_keys_what_the_public_page_shows_and_no_more(alice, make_claim, media_root, settings):
    claim, _ = _seven_items(alice, make_claim)
    client = key_client("read")

    response, queries = _get_counting_queries(client, url(claim.id), settings)

    assert len(queries) == 4, queries  # key + its last_used_at, claim, evidence: no custody, files or related

    items = response.json()["results"]
    assert len(items) == 7 and items[6]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert set(items[5]) == {
        "id",
        "claim_id",
        "kind",
        "title",
        "url",
        "stance",
        "credibility",
        "provided_by",
        "sha256",
        "capture_status",
        "added_at",
    }
    assert "Internal" not in response.content.decode() and "alice" not in response.content.decode()


def test_it_answers_413_from_the_content_length_before_reading_the_body(alice, make_claim, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    claim = make_claim()
    body = problem(key_client("review", alice).post(url(claim.id), {"file": upload(PNG * 500)}), 413)
    assert body["type"] == "urn:claimdesk:problem:upload_too_large"
    assert "10000 bytes" in body["detail"] and body["limit_bytes"] == 10_000
    assert Evidence.objects.count() == 0


def test_it_answers_413_for_a_file_over_the_limit_within_the_allowance(alice, make_claim, settings, media_root):
    settings.UPLOAD_MAX_BYTES = 10_000
    claim = make_claim()
    body = problem(key_client("review", alice).post(url(claim.id), {"file": upload(PNG + b"x" * 20_000)}), 413)
    assert "CLAIMDESK_UPLOAD_MAX_BYTES" in body["detail"] and body["sent_bytes"] > 10_000
    assert StoredFile.objects.count() == 0


def test_it_answers_415_for_a_type_not_allowed(alice, make_claim, media_root):
    claim = make_claim()
    body = problem(key_client("review", alice).post(url(claim.id), {"file": upload(EXE, "x.png", "image/png")}), 415)
    assert body["type"] == "urn:claimdesk:problem:upload_type_not_allowed"
    assert body["content_type"] == "application/vnd.microsoft.portable-executable"
    assert body["declared_type"] == "image/png" and "image/*" in body["allowed"]


def test_it_answers_400_when_there_is_nothing_to_add(alice, make_claim):
    claim = make_claim()
    body = problem(
        key_client("review", alice).post(url(claim.id), {"title": "Nothing"}, content_type="application/json"), 400
    )
    assert "url" in body["errors"]


def test_it_refuses_a_read_key_to_add_evidence(make_claim):
    claim = make_claim()
    problem(key_client("read").post(url(claim.id), {"url": BRIEFING}, content_type="application/json"), 403)
    assert Evidence.objects.count() == 0


def test_it_answers_404_for_a_claim_that_does_not_exist(alice):
    assert problem(key_client("review", alice).get(url(424242)), 404)["detail"] == "Claim 424242 does not exist."


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_401_without_a_key_or_session(db, make_claim, method):
    claim = make_claim()
    problem(getattr(Client(), method)(url(claim.id)), 401)
