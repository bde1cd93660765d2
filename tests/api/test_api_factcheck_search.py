"""GET /api/v1/claims:search answers like Google Fact Check Tools' claims:search:
a client written for that API reads the desk by changing its base URL."""

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.api.core_support import key_client, make_key, problem_of, publish
from verification.intake.claimreview_import import parse
from verification.workflow.external_reviews import import_reviews

RECORDED = json.loads((Path(__file__).parent / "recorded" / "factcheck_claims_search.json").read_text())
TROOPS = "Kyrylo Budanov said 11,000 North Korean troops are in Russia's Kursk region."

AFP_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.afp.com/north-korean-troops-kursk",
    "claimReviewed": "11,000 North Korean troops are fighting in Russia's Kursk region",
    "author": {"@type": "Organization", "name": "AFP Fact Check", "url": "https://factcheck.afp.com"},
    "datePublished": "2024-11-05",
    "inLanguage": "en",
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Kyrylo Budanov"}},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 3,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Unproven",
    },
}


class FactCheckToolsClient:
    """What a newsroom tool written for factchecktools.googleapis.com does: GET
    {base}/claims:search with its parameters, follow nextPageToken, read the
    claims' reviews. Only the base URL and the credential differ."""

    def __init__(self, http, base="/api/v1"):
        self.http, self.base = http, base

    def search(self, query, language=None, page_size=10):
        token, claims = None, []
        while True:
            params = {"query": query, "pageSize": page_size}
            if language:
                params["languageCode"] = language
            if token:
                params["pageToken"] = token
            answer = self.http.get(f"{self.base}/claims:search?{urlencode(params)}")
            assert answer.status_code == 200, answer.content
            body = answer.json()
            claims += body.get("claims", [])
            token = body.get("nextPageToken")
            if not token:
                return claims


def _shape(value):
    """Keys and value types, recursively, with lists reduced to their items' shape."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _within(ours, recorded, path="$"):
    if isinstance(ours, dict):
        for key, value in ours.items():
            assert key in recorded, f"{path}.{key} is not in Fact Check Tools' answer"
            _within(value, recorded[key], f"{path}.{key}")
    elif isinstance(ours, list):
        for item in ours:
            _within(item, recorded[0], f"{path}[]")
    else:
        assert ours == recorded, f"{path} is a {ours}, Fact Check Tools sends a {recorded}"


@pytest.fixture
def published(make_claim, make_source, alice, erin):
    budanov = make_source("Kyrylo Budanov")
    claim = make_claim(text=TROOPS, sources=[(budanov, "stated")])
    return publish(claim, alice, erin, verdict="unproven")


@pytest.fixture
def reader(db):
    return key_client(make_key("read"))


def test_a_fact_check_tools_client_reads_the_desk(published, reader, settings):
    claims = FactCheckToolsClient(reader).search("North Korean troops in Kursk", language="en")
    assert len(claims) == 1
    (claim,) = claims
    assert claim["text"] == TROOPS and claim["claimant"] == "Kyrylo Budanov"
    (review,) = claim["claimReview"]
    assert review["publisher"] == {"name": settings.ORGANISATION_NAME, "site": "127.0.0.1"}
    assert review["url"] == published.public_url and review["textualRating"] == "Unproven"
    assert review["languageCode"] == "en" and review["reviewDate"].endswith("Z")
    _within(_shape({"claims": claims}), _shape(RECORDED))


def test_it_pages_with_next_page_tokens(make_claim, alice, erin, reader):
    for n in range(5):
        publish(make_claim(text=f"Drone strike number {n} hit the port of Izmail, the governor said."), alice, erin)
    first = reader.get("/api/v1/claims:search?query=drone+strike+Izmail+port&pageSize=2").json()
    assert len(first["claims"]) == 2 and first["nextPageToken"]
    every = FactCheckToolsClient(reader).search("drone strike Izmail port", page_size=2)
    assert len(every) == 5 and len({c["text"] for c in every}) == 5


def test_only_published_claims_are_reviews(make_claim, reader):
    make_claim(text=TROOPS)  # queued: no verdict yet
    assert reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk").json() == {}


def test_language_and_age_filter_the_reviews(published, reader):
    assert reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk&languageCode=uk").json() == {}
    assert reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk&maxAgeDays=1").json()["claims"]


def test_other_fact_checkers_reviews_only_when_asked_and_kept_apart(published, reader):
    import_reviews(None, parse(json.dumps(AFP_REVIEW), "afp.json"))
    without = reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk").json()
    assert [c["claimReview"][0]["publisher"]["name"] for c in without["claims"]] == ["Claimdesk"]
    both = reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk&includeExternalReviews=true").json()
    publishers = {c["claimReview"][0]["publisher"]["name"]: c for c in both["claims"]}
    assert set(publishers) == {"Claimdesk", "AFP Fact Check"}
    afp = publishers["AFP Fact Check"]
    assert afp["claimant"] == "Kyrylo Budanov"
    assert afp["claimReview"][0]["url"] == AFP_REVIEW["url"]
    assert afp["claimReview"][0]["publisher"]["site"] == "factcheck.afp.com"
    assert afp["claimReview"][0]["textualRating"] == "Unproven"
    by_site = reader.get(
        "/api/v1/claims:search?reviewPublisherSiteFilter=factcheck.afp.com&includeExternalReviews=true"
    ).json()
    assert [c["claimReview"][0]["url"] for c in by_site["claims"]] == [AFP_REVIEW["url"]]


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "query"),
        ("?query=troops&pageSize=0", "pageSize"),
        ("?query=troops&pageSize=51", "pageSize"),
        ("?query=troops&maxAgeDays=x", "maxAgeDays"),
        ("?query=troops&pageToken=not-a-token", "pageToken"),
        ("?query=troops&includeExternalReviews=maybe", "includeExternalReviews"),
    ],
)
def test_bad_parameters_are_named(reader, query, field):
    body = problem_of(reader.get(f"/api/v1/claims:search{query}"), 400)
    assert field in body["errors"]


def test_a_page_token_from_another_search_is_refused(published, make_claim, alice, erin, reader):
    publish(make_claim(text="North Korean troops were seen in Kursk, a video shows."), alice, erin)
    token = reader.get("/api/v1/claims:search?query=North+Korean+troops+Kursk&pageSize=1").json()["nextPageToken"]
    body = problem_of(reader.get(f"/api/v1/claims:search?query=something+else&pageToken={token}"), 400)
    assert "pageToken" in body["errors"]
