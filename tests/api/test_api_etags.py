"""ETag, If-None-Match → 304, If-Match → 412/428 round trips on claims."""

import json

import pytest

from tests.api.core_support import key_client, make_key, problem_of, publish, session_client
from verification.models import Claim
from verification.workflow import transitions


def _patch(client, claim_id, body, if_match=None):
    headers = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    return client.patch(f"/api/v1/claims/{claim_id}", json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_it_answers_304_to_a_status_etag_until_the_claim_changes(alice, erin, make_claim):
    claim = make_claim()
    client = key_client(make_key("read"))
    first = client.get(f"/api/v1/claims/{claim.pk}/status")
    etag = first["ETag"]
    assert first.status_code == 200 and etag == f'"{claim.pk}-{claim.version}"'

    again = client.get(f"/api/v1/claims/{claim.pk}/status", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    publish(claim, alice, erin, verdict="misleading", confidence=0.6)
    changed = client.get(f"/api/v1/claims/{claim.pk}/status", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    body = changed.json()
    assert body["state"] == "published" and body["verdict"] == "misleading" and body["confidence"] == 0.6
    assert changed["ETag"] == f'"{claim.pk}-{Claim.objects.get(pk=claim.pk).version}"'


@pytest.mark.django_db
def test_it_answers_304_on_the_detail_and_accepts_weak_or_listed_tags(make_claim):
    claim = make_claim()
    client = key_client(make_key("read"))
    etag = client.get(f"/api/v1/claims/{claim.pk}")["ETag"]
    assert client.get(f"/api/v1/claims/{claim.pk}", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(f"/api/v1/claims/{claim.pk}", HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304
    assert client.get(f"/api/v1/claims/{claim.pk}", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
def test_it_requires_if_match_on_patch_and_leaves_the_claim_alone(erin, make_claim):
    claim = make_claim()
    response = _patch(session_client(erin), claim.pk, {"text": "Edited"})
    body = problem_of(response, 428)
    assert "If-Match" in body["detail"]
    assert problem_of(_patch(session_client(erin), claim.pk, {"text": "Edited"}, "*"), 428)
    assert Claim.objects.get(pk=claim.pk).text == claim.text


@pytest.mark.django_db
def test_it_edits_with_the_current_etag_and_refuses_the_stale_one(erin, frank, make_claim):
    claim = make_claim()
    erin_client, frank_client = session_client(erin), session_client(frank)
    etag = erin_client.get(f"/api/v1/claims/{claim.pk}")["ETag"]

    ok = _patch(erin_client, claim.pk, {"text": "North Korea sent 12,000 soldiers.", "priority": 80}, etag)
    assert ok.status_code == 200
    new_etag = ok["ETag"]
    assert new_etag != etag and ok.json()["text"] == "North Korea sent 12,000 soldiers." and ok.json()["priority"] == 80

    # frank read the claim before erin's edit: his write must not overwrite hers.
    stale = _patch(frank_client, claim.pk, {"text": "Frank's version"}, etag)
    body = problem_of(stale, 412)
    assert body["current_version"] == claim.version + 1
    assert body["changed_by"] == "erin" and body["change"] == "edited"
    saved = Claim.objects.get(pk=claim.pk)
    assert saved.text == "North Korea sent 12,000 soldiers." and saved.version == claim.version + 1
    assert f'"{claim.pk}-{saved.version}"' == new_etag
    assert list(saved.events.values_list("kind", flat=True)) == ["created", "edited"]


@pytest.mark.django_db
def test_it_answers_412_to_an_etag_of_another_claim(erin, make_claim):
    claim, other = make_claim(), make_claim(text="Another claim")
    response = _patch(session_client(erin), claim.pk, {"priority": 10}, f'"{other.pk}-{claim.version}"')
    assert problem_of(response, 412)["current_version"] == claim.version
    assert Claim.objects.get(pk=claim.pk).priority == 50


@pytest.mark.django_db
def test_it_refuses_unknown_or_empty_patch_fields(erin, make_claim):
    claim = make_claim()
    etag = f'"{claim.pk}-{claim.version}"'
    body = problem_of(_patch(session_client(erin), claim.pk, {"state": "published"}, etag), 400)
    assert "state" in body["errors"]
    assert problem_of(_patch(session_client(erin), claim.pk, {}, etag), 400)
    assert Claim.objects.get(pk=claim.pk).version == claim.version


@pytest.mark.django_db
def test_it_answers_409_naming_who_moved_the_claim_when_an_action_is_stale(alice, bob, erin, make_claim):
    claim = make_claim()
    leased = transitions.take_next(alice)
    # erin releases alice's lease meanwhile; alice's assess still carries the old version.
    transitions.release(erin, claim.pk, expected_version=leased.version)
    response = session_client(alice).post(
        f"/api/v1/claims/{claim.pk}/assess",
        json.dumps({"version": leased.version, "verdict": "false", "confidence": 0.9, "rationale": "Old video."}),
        content_type="application/json",
    )
    body = problem_of(response, 409)
    assert body["type"].endswith("stale_version")
    assert body["changed_by"] == "erin" and body["change"] == "released"
    assert body["current_version"] == leased.version + 1
    assert Claim.objects.get(pk=claim.pk).state == "queued"
