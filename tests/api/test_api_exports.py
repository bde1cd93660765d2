"""Streamed CSV and JSON exports with the list filters."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from tests.api.core_support import key_client, make_key, problem_of, publish


def content(response) -> str:
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_it_streams_every_matching_claim_as_csv(alice, erin, make_claim, make_source):
    source = make_source()
    published = make_claim(text='=HYPERLINK("http://evil")', sources=[(source, "stated")], tags=["x"])
    publish(published, alice, erin, verdict="false", confidence=0.9)
    make_claim(text="Still queued")
    response = key_client(make_key("read")).get("/api/v1/export/claims.csv?state=published")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="claims.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(content(response))))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(published.pk) and row["verdict"] == "false" and row["confidence"] == "0.9"
    assert row["text"] == '\'=HYPERLINK("http://evil")'  # never a formula in a spreadsheet
    assert row["sources"] == "Kyrylo Budanov (stated)" and row["tags"] == "x"
    assert row["url"].endswith(f"/claims/{published.pk}/")


@pytest.mark.django_db
def test_it_streams_json_with_the_same_filters(make_claim):
    made = [make_claim(text=f"Soldiers claim {i}") for i in range(3)]
    make_claim(text="Drones claim")
    response = key_client(make_key("read")).get("/api/v1/export/claims.json?q=soldiers")
    data = json.loads(content(response))
    assert [c["id"] for c in data] == [c.pk for c in made]
    assert data[0]["state"] == "queued" and data[0]["verdict"] is None and data[0]["sources"] == []
    empty = json.loads(content(key_client(make_key("read")).get("/api/v1/export/claims.json?state=published")))
    assert empty == []


@pytest.mark.django_db
def test_it_refuses_bad_filters_before_streaming():
    problem_of(key_client(make_key("read")).get("/api/v1/export/claims.csv?verdict=bogus"), 400)
