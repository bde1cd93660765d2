"""Scopes mean what they say: a read key gets only the public fields.

Every GET route under /api/v1/ is taken from the URL configuration (a new one
without an entry in ROUTES fails here) and called with a read key against a
world holding everything a read key must not see (tests/api/read_scope_world.py).
Every key of every object in each answer, at any depth, must be on the public
list of its kind in verification/api/visibility.py; the raw answers may not
contain any internal value (notes, the draft, the capture error naming
10.0.0.5, usernames of staff, webhook internals) under any name. The CSV's
columns and every webhook payload are checked against the same lists. And the
other side: a review key still sees notes, capture errors and the draft, and
nothing outside REVIEW_FIELDS.
"""

import csv
import io
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.core_support import key_client, make_key
from tests.api.read_scope_world import DRAFT, NOTE, SOURCE_NOTE, URL_NOTE, World, build_world, review_key
from tests.netguard import no_outside_connections  # noqa: F401 - fixture
from tests.verification.conftest import fake_dns  # noqa: F401 - fixture
from verification.api.visibility import PUBLIC_FIELDS, REVIEW_FIELDS, ScopedSerializer
from verification.models import WebhookEvent
from verification.webhooks.outbox import EVENT_TYPES

pytestmark = pytest.mark.django_db

REFUSED = "refused"  # a route a read key may not call at all
DATA = "data"  # a JSON value that is content, not fields (a captured page's headers)
PAGE = ("next", "previous", "results")

# Route name -> (path kwargs from the world, query string, the kind of the answer).
ROUTES = {
    "api-claims": (lambda w: {}, "", "claim_page"),
    "api-claim": (lambda w: {"pk": w.claim.pk}, "", "claim_detail"),
    "api-claim-status": (lambda w: {"pk": w.claim.pk}, "", "status"),
    "api-claim-claimreview": (lambda w: {"pk": w.corrected.pk}, "", "claimreview"),
    "api-claim-evidence": (lambda w: {"pk": w.claim.pk}, "", "evidence_list"),
    "api-claim-corrections": (lambda w: {"pk": w.corrected.pk}, "", REFUSED),
    "api-claim-comments": (lambda w: {"pk": w.claim.pk}, "", REFUSED),  # the desk's internal discussion
    "api-evidence-matches": (lambda w: {"pk": w.claim.evidence.first().pk}, "", REFUSED),  # the desk's own knowledge
    "api-status": (lambda w: {}, "?text=North+Korea+has+sent", "status_results"),
    "api-claims-search": (lambda w: {}, "?query=North+Korea+has+sent&includeExternalReviews=true", "factcheck_results"),
    "api-export-json": (lambda w: {}, "", "export"),
    "api-export-csv": (lambda w: {}, "", "csv"),
    "api-sources": (lambda w: {}, "", "source_page"),
    "api-source": (lambda w: {"pk": w.source.pk}, "", "source_detail"),
    "api-webhooks": (lambda w: {}, "", REFUSED),
    "api-webhook": (lambda w: {"pk": w.endpoint.pk}, "", REFUSED),
    "api-webhook-deliveries": (lambda w: {"pk": w.endpoint.pk}, "", REFUSED),
    "api-intake-batch": (lambda w: {"pk": 1}, "", REFUSED),
}

# Which kind each nested object has: kind -> {field: kind of its value (or of each item)}.
NESTED = {
    "claim_page": {"results": "claim"},
    "source_page": {"results": "source"},
    "source": {"names": DATA},  # language tag → the source's name in it: public names
    "claim": {"attributions": "attribution_summary"},
    "claim_detail": {
        "attributions": "attribution",
        "appearances": "appearance",
        "evidence": "evidence",
        "published_verdict": "published_verdict",
        "pending_assessment": "pending_assessment",
        "history": "event",
        "suggestion": "suggestion",
    },
    "suggestion": {"reasons": "suggestion_reason"},
    "attribution_summary": {"source": "source_ref"},
    "attribution": {"source": "source_ref"},
    "evidence_list": {"results": "evidence"},
    "evidence": {
        "stored_file": "stored_file",
        "snapshots": "snapshot",
        "custody": "custody",
        "related": "related_evidence",
        "media_review": "media_review",
        "file_metadata": "file_metadata",
        "timestamps": "trusted_timestamp",
    },
    # What the file says and its Content Credentials: the file's own words, as data.
    "file_metadata": {"fields": DATA, "content_credentials": DATA},
    "snapshot": {"stored_file": "stored_file", "redirects": DATA, "headers": DATA},
    "custody": {"detail": DATA},
    "export": {"sources": "export_source"},
    "status_results": {"results": "scored_status"},
    "bulk_status": {"claims": "status", "urls": "url_results"},
    "factcheck_results": {"claims": "factcheck_claim"},
    "factcheck_claim": {"claimReview": "factcheck_review"},
    "factcheck_review": {"publisher": "factcheck_publisher"},
    "url_results": {"results": "scored_status"},
    "source_detail": {
        "names": DATA,
        "ancestors": "related_source",
        "affiliations": "relation",
        "conflicts": "party",
        "grades": "grade",
        "track_record": "track_record",
    },
    "relation": {"source": "related_source"},
    "track_record": {"by_topic": ("map", "topic_record")},
    "claimreview": {
        "itemReviewed": "claimreview_claim",
        "author": "claimreview_entity",
        "reviewRating": "claimreview_rating",
    },
    "claimreview_claim": {"appearance": "claimreview_work", "author": "claimreview_entity"},
}
WEBHOOK_KINDS = {
    "claim.created": "webhook_claim",
    "claim.state_changed": "webhook_claim",
    "claim.published": "webhook_claim",
    "claim.reopened": "webhook_claim",
    "claim.corrected": "webhook_correction",
    "evidence.added": "webhook_evidence",
    "evidence.media_reviewed": "webhook_media_review",
    "source.graded": "webhook_source_grade",
}


def fields_of(lists: dict, kind: str) -> tuple:
    return PAGE if kind.endswith("_page") else lists.get(kind, ())


def unlisted(value, kind, lists, path="$") -> list[str]:
    """Every key in ``value`` (a ``kind``) not on its list in ``lists``, as 'path: key'."""
    if isinstance(value, list):
        return [line for i, item in enumerate(value) for line in unlisted(item, kind, lists, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return []
    nested, allowed, problems = NESTED.get(kind, {}), fields_of(lists, kind), []
    for key, item in value.items():
        if key not in allowed:
            problems.append(f"{path}: {key!r} is not on the {kind!r} list")
            continue
        child = nested.get(key)
        if child == DATA:
            continue
        if isinstance(child, tuple):  # a map of data keys to objects of one kind
            problems += [line for k, v in item.items() for line in unlisted(v, child[1], lists, f"{path}.{key}.{k}")]
        elif child:
            problems += unlisted(item, child, lists, f"{path}.{key}")
        elif isinstance(item, dict) or (isinstance(item, list) and any(isinstance(i, (dict, list)) for i in item)):
            problems.append(f"{path}.{key}: holds objects, and NESTED names no kind for them")
    return problems


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def leaks(text: str, world: World) -> list[str]:
    return [secret for secret in world.secrets() if secret in text]


def api_get_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
                if view is not None and hasattr(view, "get"):
                    yield pattern.name

    return sorted(walk(get_resolver().url_patterns))


@pytest.fixture
def world(alice, bob, erin, frank, adam, fake_dns, no_outside_connections, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ALLOW_LOOPBACK_FETCH = False
    return build_world(alice=alice, bob=bob, erin=erin, frank=frank, adam=adam, fake_dns=fake_dns)


def test_it_knows_every_get_route_under_api_v1():
    routes = api_get_routes()
    missing = [name for name in routes if name not in ROUTES]
    assert not missing, f"Add these GET routes to ROUTES (and their fields to visibility.py): {missing}"
    assert sorted(set(ROUTES) - set(routes)) == [], "ROUTES names routes that are gone"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_it_answers_a_read_key_with_public_fields_only(world, name):
    kwargs, query, kind = ROUTES[name]
    response = key_client(make_key("read")).get(reverse(name, kwargs=kwargs(world)) + query)

    if kind == REFUSED:
        assert response.status_code == 403, response.content[:300]
        assert set(response.json()) <= {"type", "title", "status", "detail", "instance"}
        return
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    assert not leaks(text, world), f"{name} shows a read key {leaks(text, world)}"
    if kind == "csv":
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert header == list(PUBLIC_FIELDS["export"]) and len(rows) == 3
        return
    data = json.loads(text)
    assert not unlisted(data, kind, PUBLIC_FIELDS), "\n".join(unlisted(data, kind, PUBLIC_FIELDS))
    staff = set(strings_in(data)) & set(world.staff)
    assert not staff, f"{name} names staff to a read key: {staff}"


def test_it_answers_a_read_key_bulk_status_with_public_fields_only(world):
    body = {"ids": [world.claim.pk, world.leased.pk, 999_999], "urls": [world.claim.appearances.get().url]}
    response = key_client(make_key("read")).post("/api/v1/status/bulk", body, content_type="application/json")

    assert response.status_code == 200
    data = response.json()
    assert not unlisted(data, "bulk_status", PUBLIC_FIELDS), unlisted(data, "bulk_status", PUBLIC_FIELDS)
    assert [c["id"] for c in data["claims"]] == [world.claim.pk, world.leased.pk]
    assert data["missing_ids"] == [999_999] and data["urls"][0]["results"][0]["id"] == world.claim.pk


def test_it_shows_a_read_key_the_published_claim_as_the_public_page_does(world):
    data = key_client(make_key("read")).get(f"/api/v1/claims/{world.claim.pk}").json()

    assert data["state"] == "awaiting_signoff" and data["verdict"] == "false"  # the published one, kept
    assert data["published_verdict"]["rationale"] == "Confirmed by two intelligence services."
    assert "pending_assessment" not in data and "lease_owner" not in data and "priority" not in data
    assert {e["title"] for e in data["evidence"]} == {"Call with a source", "Video still", "Report"}
    assert {e["capture_status"] for e in data["evidence"]} == {"not_requested", "failed"}
    assert all("notes" not in e for e in data["evidence"])
    assert all("actor" not in e and "note" not in e for e in data["history"])
    assessed = [e for e in data["history"] if e["kind"] == "assessed"]
    assert assessed[-1]["verdict"] is None  # the draft's verdict is blanked too


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_it_sends_webhooks_public_fields_only(world, event_type):
    payloads = [e.payload for e in WebhookEvent.objects.filter(type=event_type)]

    assert payloads, f"the world emits no {event_type}"
    kind = WEBHOOK_KINDS[event_type]
    for payload in payloads:
        assert set(payload) == set(PUBLIC_FIELDS["webhook_body"])
        assert not unlisted(payload["data"], kind, PUBLIC_FIELDS), unlisted(payload["data"], kind, PUBLIC_FIELDS)
        text = json.dumps(payload, ensure_ascii=False)
        assert not leaks(text, world), leaks(text, world)
        assert not set(strings_in(payload)) & set(world.staff), payload


def test_it_still_shows_a_review_key_notes_capture_errors_and_the_draft(world, bob):
    client = key_client(review_key(bob))

    detail = client.get(f"/api/v1/claims/{world.claim.pk}").json()
    assert detail["pending_assessment"]["rationale"] == DRAFT and detail["pending_assessment"]["reviewer"] == "bob"
    assert detail["priority"] == 80 and detail["reach"] == 250_000
    assert {e["notes"] for e in detail["evidence"]} >= {NOTE, URL_NOTE}
    reopened = [e for e in detail["history"] if e["kind"] == "reopened"][0]
    assert reopened["actor"] == "erin" and reopened["note"].startswith("Internal: new footage")

    evidence = client.get(f"/api/v1/claims/{world.claim.pk}/evidence").json()["results"]
    report = [e for e in evidence if e["title"] == "Report"][0]
    assert report["notes"] == URL_NOTE and report["capture_error"] == world.capture_error
    assert [c["action"] for c in report["custody"]][:2] == ["added", "capture_requested"]
    assert report["custody"][0]["actor"] == "bob"

    ministry = client.get(f"/api/v1/sources/{world.ministry.pk}").json()
    assert ministry["notes"] == SOURCE_NOTE
    assert client.get(f"/api/v1/sources/{world.source.pk}").json()["grades"][0]["graded_by"] == "adam"


@pytest.mark.parametrize("name", sorted(n for n, (_, _, kind) in ROUTES.items() if kind not in (REFUSED, "csv")))
def test_it_shows_a_review_key_only_fields_on_the_review_lists(world, bob, name):
    kwargs, query, kind = ROUTES[name]
    response = key_client(review_key(bob)).get(reverse(name, kwargs=kwargs(world)) + query)

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    assert not unlisted(data, kind, REVIEW_FIELDS), "\n".join(unlisted(data, kind, REVIEW_FIELDS))


def test_it_lists_every_field_of_every_scoped_serializer():
    """A field missing from both lists would be shown to nobody: decide who sees it."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unlisted_fields = [
        f"{cls.__module__}.{cls.__name__}.{name} ({cls.visibility})"
        for cls in subclasses(ScopedSerializer)
        for name in cls().fields
        if name not in REVIEW_FIELDS.get(cls.visibility, ())
    ]
    assert not unlisted_fields, unlisted_fields
