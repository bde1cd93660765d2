"""Query counts of the list and status endpoints are pinned: they must not grow
with the number of rows, and the status read is one query for the key and one
for the claim."""

import json

import pytest

from tests.api.core_support import key_client, make_key, publish


@pytest.fixture
def claims(make_claim, make_source):
    def _make(n):
        source = make_source(name=f"Source {n}")
        return [
            make_claim(
                text=f"Claim number {i} about troops",
                sources=[(source, "stated")],
                tags=["war", f"t{i}"],
                appearances=[{"url": f"https://news.example/{i}"}],
            )
            for i in range(n)
        ]

    return _make


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 12])
def test_it_lists_claims_in_four_queries_whatever_the_page(n, claims, django_assert_num_queries):
    made = claims(n)
    client = key_client(make_key("read"))
    with django_assert_num_queries(4):  # key, page, tags, attributions+sources
        response = client.get("/api/v1/claims?page_size=10")
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == min(n, 10)
    assert {r["id"] for r in results} <= {c.pk for c in made}
    assert all(r["text"].startswith("Claim number ") for r in results)


@pytest.mark.django_db
def test_it_reads_a_status_in_two_queries_and_so_does_the_304(claims, django_assert_num_queries):
    claim = claims(1)[0]
    client = key_client(make_key("read"))
    with django_assert_num_queries(2):  # key digest, claim row
        response = client.get(f"/api/v1/claims/{claim.pk}/status")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["state"]) == (claim.pk, "queued")
    with django_assert_num_queries(2):
        not_modified = client.get(f"/api/v1/claims/{claim.pk}/status", HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""


@pytest.mark.django_db
def test_it_writes_last_used_at_at_most_once_a_minute(claims, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from verification.models import ApiKey

    claim = claims(1)[0]
    raw = make_key("read")
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    client = key_client(raw)
    with django_assert_num_queries(3):  # key, one UPDATE of last_used_at, claim
        first = client.get(f"/api/v1/claims/{claim.pk}/status")
    assert first.status_code == 200 and first.json()["id"] == claim.pk
    with django_assert_num_queries(2):
        second = client.get(f"/api/v1/claims/{claim.pk}/status")
    assert second.status_code == 200 and second.json()["id"] == claim.pk
    assert timezone.now() - ApiKey.objects.get().last_used_at < timedelta(seconds=5)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 8])
def test_it_looks_up_statuses_by_url_text_and_in_bulk_in_constant_queries(n, claims, django_assert_num_queries):
    made = claims(n)
    client = key_client(make_key("read"))
    with django_assert_num_queries(2):
        by_url = client.get("/api/v1/status?url=https://www.news.example/0/?utm_source=x")
    assert by_url.status_code == 200
    assert [r["id"] for r in by_url.json()["results"]] == [made[0].pk]
    # key; the claim matcher: size and term frequencies, rows with any telling term, rows with all
    # the rarest, the candidates' text; then the statuses of the matches
    with django_assert_num_queries(6):
        by_text = client.get("/api/v1/status?text=Claim+number+0+about")
    assert by_text.status_code == 200
    assert by_text.json()["results"][0]["id"] == made[0].pk
    body = {"ids": [c.pk for c in made], "urls": [f"https://news.example/{i}" for i in range(n)]}
    with django_assert_num_queries(3):  # key, ids, urls
        bulk = client.post("/api/v1/status/bulk", json.dumps(body), content_type="application/json")
    assert bulk.status_code == 200
    assert len(bulk.json()["claims"]) == n and all(len(u["results"]) == 1 for u in bulk.json()["urls"])


@pytest.mark.django_db
def test_it_reads_a_published_claims_detail_in_fixed_queries(claims, alice, erin, django_assert_num_queries):
    claim = claims(1)[0]
    publish(claim, alice, erin)
    client = key_client(make_key("read"))
    # key, version (ETag), claim+assessments, tags, appearances, evidence, attributions, events
    with django_assert_num_queries(8):
        response = client.get(f"/api/v1/claims/{claim.pk}")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["published_verdict"]["verdict"]) == (claim.pk, "false")
