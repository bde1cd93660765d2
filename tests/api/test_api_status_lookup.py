"""Status by id, by article URL, by text, and in bulk."""

import json

import pytest

from sources.text import similarity
from tests.api.core_support import key_client, make_key, problem_of, publish
from verification.models import Claim
from verification.workflow import transitions

STATUS_FIELDS = {"id", "state", "verdict", "confidence", "updated_at", "url"}


@pytest.mark.django_db
def test_it_gives_exactly_the_status_fields_and_keeps_the_verdict_while_reopened(settings, alice, erin, make_claim):
    settings.PUBLIC_BASE_URL = "https://checks.example.org/"
    claim = make_claim()
    client = key_client(make_key("read"))
    before = client.get(f"/api/v1/claims/{claim.pk}/status").json()
    assert set(before) == STATUS_FIELDS
    assert before["state"] == "queued" and before["verdict"] is None and before["confidence"] is None
    assert before["url"] == f"https://checks.example.org/claims/{claim.pk}/"
    assert before["updated_at"].endswith("Z") and "T" in before["updated_at"]

    publish(claim, alice, erin, verdict="false", confidence=0.95)
    transitions.reopen(erin, claim.pk, "New footage")
    reopened = client.get(f"/api/v1/claims/{claim.pk}/status").json()
    assert reopened["state"] == "reopened" and reopened["verdict"] == "false" and reopened["confidence"] == 0.95
    saved = Claim.objects.get(pk=claim.pk)
    assert reopened["updated_at"] == saved.updated_at.isoformat().replace("+00:00", "Z")


@pytest.mark.django_db
def test_it_finds_the_claims_of_an_article_however_its_url_is_spelt(make_claim):
    one = make_claim(text="Claim one", appearances=[{"url": "https://www.kyivindependent.com/news/troops/"}])
    two = make_claim(text="Claim two", appearances=[{"url": "http://kyivindependent.com/news/troops?utm_medium=x"}])
    make_claim(text="Elsewhere", appearances=[{"url": "https://kyivindependent.com/news/other"}])
    client = key_client(make_key("read"))
    response = client.get("/api/v1/status", {"url": "HTTPS://KyivIndependent.com/news/troops#top"})
    results = response.json()["results"]
    assert {r["id"] for r in results} == {one.pk, two.pk}
    assert all(r["score"] == 1.0 and set(r) == STATUS_FIELDS | {"score"} for r in results)
    assert client.get("/api/v1/status", {"url": "https://nowhere.example/x"}).json() == {"results": []}


@pytest.mark.django_db
def test_it_finds_a_claim_from_its_first_words_best_first(make_claim):
    target = make_claim(text="North Korea has sent 11,000 soldiers to the Kursk region of Russia.")
    similar = make_claim(text="Russia says no soldiers from North Korea are in Kursk.")
    make_claim(text="Drones hit the refinery in Ryazan.")
    client = key_client(make_key("read"))
    results = client.get("/api/v1/status", {"text": "North Korea has sent 11,000 sold"}).json()["results"]
    assert results[0]["id"] == target.pk and results[0]["score"] >= 0.9
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert similar.pk not in [r["id"] for r in results[:1]]
    exact = client.get("/api/v1/status", {"text": target.text}).json()["results"][0]
    assert exact == {**exact, "id": target.pk, "score": 1.0}
    assert client.get("/api/v1/status", {"text": "completely unrelated words here"}).json() == {"results": []}


@pytest.mark.django_db
def test_it_matches_cyrillic_text_whatever_the_case(make_claim):
    claim = make_claim(text="Росія втратила понад тисячу солдатів за добу.", language="uk")
    results = key_client(make_key("read")).get("/api/v1/status", {"text": "росія втратила понад"}).json()["results"]
    assert [r["id"] for r in results] == [claim.pk]


def test_it_scores_overlap_and_prefixes():
    def score(query, claim):
        return similarity(query, claim, part=True)

    assert score("north korea", "North Korea.") == 1.0
    assert score("north korea sen", "north korea sent troops") >= 0.9
    assert 0.5 < score("korea troops", "north korea sent troops") < score("north korea", "north korea sent troops")
    assert score("nothing", "north korea") == 0.0


@pytest.mark.django_db
def test_it_needs_url_or_text_and_a_sane_limit():
    client = key_client(make_key("read"))
    body = problem_of(client.get("/api/v1/status"), 400)
    assert set(body["errors"]) == {"url", "text"}
    assert "limit" in problem_of(client.get("/api/v1/status", {"text": "x", "limit": "0"}), 400)["errors"]


@pytest.mark.django_db
def test_it_answers_ids_and_urls_in_bulk_in_the_order_asked(make_claim):
    a = make_claim(text="A", appearances=[{"url": "https://news.example/a"}])
    b = make_claim(text="B")
    client = key_client(make_key("read"))
    body = {"ids": [b.pk, 999999, a.pk, b.pk], "urls": ["https://www.news.example/a/", "https://news.example/none"]}
    data = client.post("/api/v1/status/bulk", json.dumps(body), content_type="application/json").json()
    assert [c["id"] for c in data["claims"]] == [b.pk, a.pk]
    assert all(set(c) == STATUS_FIELDS for c in data["claims"])
    assert data["missing_ids"] == [999999]
    assert data["urls"][0]["url"] == "https://www.news.example/a/" and [
        r["id"] for r in data["urls"][0]["results"]
    ] == [a.pk]
    assert data["urls"][1]["results"] == []
    problem_of(client.post("/api/v1/status/bulk", json.dumps({}), content_type="application/json"), 400)
    many = {"ids": list(range(1, 61)), "urls": [f"https://x.example/{i}" for i in range(41)]}
    problem_of(client.post("/api/v1/status/bulk", json.dumps(many), content_type="application/json"), 413)
