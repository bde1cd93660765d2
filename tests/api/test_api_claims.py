"""GET /claims (filters, ordering, cursor pages), POST /claims, GET /claims/{id}."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.core_support import key_client, make_key, problem_of, publish, session_client
from verification.models import Appearance, Claim
from verification.workflow import transitions


def ids(response):
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


@pytest.mark.django_db
def test_it_filters_by_state_verdict_source_tag_time_and_words(alice, erin, make_claim, make_source):
    budanov, ministry = make_source(), make_source(name="Ministry of Defence", kind="ministry")
    troops = make_claim(
        text="North Korea has sent 11,000 soldiers to Russia.", sources=[(budanov, "stated")], tags=["Troops"]
    )
    drones = make_claim(text="Drones hit the refinery at night.", sources=[(ministry, "stated"), (budanov, "relayed")])
    publish(drones, alice, erin, verdict="misleading")
    client = key_client(make_key("read"))

    assert ids(client.get("/api/v1/claims?state=published")) == [drones.pk]
    assert set(ids(client.get("/api/v1/claims?state=queued,published"))) == {troops.pk, drones.pk}
    assert ids(client.get("/api/v1/claims?verdict=misleading")) == [drones.pk]
    assert ids(client.get(f"/api/v1/claims?source={ministry.pk}")) == [drones.pk]
    assert set(ids(client.get(f"/api/v1/claims?source={budanov.pk}"))) == {troops.pk, drones.pk}  # no duplicates
    assert ids(client.get("/api/v1/claims?tag=troops")) == [troops.pk]
    assert ids(client.get("/api/v1/claims?q=SOLDIERS+korea")) == [troops.pk]
    assert ids(client.get("/api/v1/claims?q=soldiers+refinery")) == []

    Claim.objects.filter(pk=troops.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()  # '+00:00' arrives as ' 00:00' unencoded
    assert ids(client.get(f"/api/v1/claims?since={since}")) == [drones.pk]
    assert ids(client.get(f"/api/v1/claims?until={since}")) == [troops.pk]
    assert ids(client.get("/api/v1/claims?since=2000-01-01")) == [drones.pk, troops.pk]


@pytest.mark.django_db
def test_it_refuses_bad_filter_values_naming_them(make_claim):
    client = key_client(make_key("read"))
    body = problem_of(client.get("/api/v1/claims?state=done&since=yesterday&ordering=text"), 400)
    assert {"state", "since"} <= set(body["errors"]) or "ordering" in body["errors"]
    assert "ordering" in problem_of(client.get("/api/v1/claims?ordering=text"), 400)["errors"]
    assert "cursor" in problem_of(client.get("/api/v1/claims?cursor=garbage"), 400)["errors"]


@pytest.mark.django_db
def test_it_pages_with_cursors_and_refuses_a_page_size_over_the_cap(make_claim):
    made = [make_claim(text=f"Claim {i}", priority=i) for i in range(5)]
    client = key_client(make_key("read"))
    first = client.get("/api/v1/claims?page_size=2&ordering=priority").json()
    assert set(first) == {"next", "previous", "results"} and first["previous"] is None
    assert [c["id"] for c in first["results"]] == [made[0].pk, made[1].pk]
    second = client.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [made[2].pk, made[3].pk]
    back = client.get(second["previous"]).json()
    assert [c["id"] for c in back["results"]] == [made[0].pk, made[1].pk]
    third = client.get(second["next"]).json()
    assert [c["id"] for c in third["results"]] == [made[4].pk] and third["next"] is None

    from verification.api.pagination import ClaimPagination

    ClaimPagination.max_page_size, cap = 3, ClaimPagination.max_page_size
    try:
        assert len(client.get("/api/v1/claims?page_size=3").json()["results"]) == 3
        over = problem_of(client.get("/api/v1/claims?page_size=1000"), 400)  # refused, not silently capped
        assert list(over["errors"]) == ["page_size"]
    finally:
        ClaimPagination.max_page_size = cap


@pytest.mark.django_db
def test_it_creates_a_claim_with_attributions_and_appearances(alice, make_source):
    budanov, outlet = make_source(), make_source(name="Ukrainska Pravda", kind="media_outlet")
    body = {
        "text": "  North Korea has sent 11,000 soldiers.  ",
        "priority": 90,
        "tags": ["Troops", "DPRK"],
        "first_made_at": "2024-11-04T09:00:00Z",
        "attributions": [
            {
                "source": budanov.pk,
                "role": "stated",
                "quote": "11,000",
                "appeared_in": outlet.pk,
                "appeared_url": "https://www.pravda.com.ua/news/1",
            }
        ],
        "appearances": [
            {"url": "https://www.pravda.com.ua/news/1/?utm_source=x", "outlet": outlet.pk, "title": "Budanov"}
        ],
    }
    response = session_client(alice).post("/api/v1/claims", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    claim = Claim.objects.get(pk=data["id"])
    assert claim.text == "North Korea has sent 11,000 soldiers." and claim.priority == 90 and claim.created_by == alice
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'
    assert data["tags"] == ["dprk", "troops"] and data["state"] == "queued" and data["verdict"] is None
    assert data["attributions"][0]["source"] == {"id": budanov.pk, "name": budanov.name, "kind": "person"}
    assert data["attributions"][0]["appeared_in"] == outlet.pk
    assert Appearance.objects.get(claim=claim).normalised_url == "pravda.com.ua/news/1"
    assert data["first_made_at"] == "2024-11-04T09:00:00Z"
    assert data["url"].endswith(f"/claims/{claim.pk}/")
    assert [e["kind"] for e in data["history"]] == ["created"]


@pytest.mark.django_db
def test_it_shows_read_keys_no_drafts_notes_or_reviewers(alice, bob, erin, make_claim):
    claim = make_claim()
    publish(claim, alice, erin, verdict="false", rationale="Published reasoning.")
    transitions.reopen(erin, claim.pk, "New video")
    transitions.take_next(bob)
    transitions.assess(bob, claim.pk, verdict="confirmed", confidence=0.7, rationale="Draft reasoning.")
    transitions.return_for_changes(erin, claim.pk, "Internal: check the date.")

    public = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}").json()
    assert public["state"] == "in_review" and public["verdict"] == "false"  # kept while reopened
    assert public["published_verdict"]["rationale"] == "Published reasoning."
    assert "pending_assessment" not in public and "lease_owner" not in public
    text = json.dumps(public)
    assert "Draft reasoning" not in text and "Internal:" not in text and "confirmed" not in text
    assert all("actor" not in e and "note" not in e for e in public["history"])

    internal = session_client(erin).get(f"/api/v1/claims/{claim.pk}").json()
    assert internal["lease_owner"] == "bob"
    returned = [e for e in internal["history"] if e["kind"] == "returned"][0]
    assert returned["actor"] == "erin" and returned["note"] == "Internal: check the date."
    assessed = [e for e in internal["history"] if e["kind"] == "assessed"][-1]
    assert assessed["verdict"] == "confirmed"
