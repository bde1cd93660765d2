"""The capture task body, called directly against a real HTTP server on
loopback: snapshots, idempotence, seeded evidence, failures and retries."""

import hashlib

import pytest
from celery.exceptions import Retry

from tests.evidence.evidence_support import PAGE, custody
from verification.capture import capture_evidence, retry_countdown
from verification.evidence import add_evidence_url
from verification.models import Evidence, Snapshot, StoredFile

pytestmark = pytest.mark.usefixtures("no_outside_connections", "fake_dns", "media_root")


def added(user, claim, url, **kwargs) -> Evidence:
    # In a test transaction on_commit never fires, so nothing is enqueued:
    # the test runs the task body itself.
    return add_evidence_url(user, claim.id, url, **kwargs)


def test_it_captures_a_page_with_its_headers_status_and_hash(alice, make_claim, loopback_http_server):
    url = loopback_http_server.url("/page")
    evidence = added(alice, make_claim(), url)

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    snapshot = Snapshot.objects.get(evidence=evidence)
    assert (evidence.capture_status, evidence.capture_error, evidence.capture_attempts) == ("captured", "", 1)
    assert evidence.sha256 == snapshot.stored_file.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert (snapshot.requested_url, snapshot.final_url, snapshot.status_code) == (url, url, 200)
    assert snapshot.headers["content-type"] == "text/html"
    assert snapshot.redirects == [] and snapshot.backend == "http" and snapshot.captured_at is not None
    assert snapshot.stored_file.file.read() == PAGE
    assert snapshot.stored_file.content_type == "text/html"
    assert custody(evidence) == ["added", "capture_requested", "captured"]
    captured = evidence.custody.get(action="captured")
    assert (captured.sha256, captured.detail["final_url"], captured.detail["ip"]) == (evidence.sha256, url, "127.0.0.1")


def test_it_does_not_capture_again_when_a_duplicate_task_arrives(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/page"))
    capture_evidence(evidence.id)
    capture_evidence(evidence.id)
    assert len(loopback_http_server.seen) == 1
    assert Snapshot.objects.count() == 1 and StoredFile.objects.count() == 1
    assert custody(evidence) == ["added", "capture_requested", "captured"]


def test_it_never_fetches_seeded_evidence_even_if_a_task_names_it(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/page"), capture=False)
    capture_evidence(evidence.id)
    evidence.refresh_from_db()
    assert loopback_http_server.seen == []
    assert (evidence.capture_status, evidence.capture_attempts) == ("not_requested", 0)


def test_it_returns_quietly_when_the_evidence_is_gone(db):
    capture_evidence(987654)  # no exception, nothing to do


def test_it_stores_the_same_page_once_for_two_claims(alice, make_claim, loopback_http_server):
    first = added(alice, make_claim(), loopback_http_server.url("/page"))
    second = added(alice, make_claim(text="Another claim."), loopback_http_server.url("/page?x=1"))
    capture_evidence(first.id)
    capture_evidence(second.id)
    assert StoredFile.objects.count() == 1
    assert Snapshot.objects.filter(stored_file=StoredFile.objects.get()).count() == 2


def test_it_retries_a_transient_failure_and_keeps_the_evidence_pending(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/error"))

    with pytest.raises(Retry):
        capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "pending"
    assert "the server answered 500" in evidence.capture_error and "retrying in about" in evidence.capture_error
    failed = evidence.custody.get(action="capture_failed")
    assert failed.detail["transient"] is True and failed.detail["retry_in_seconds"] >= 1


def test_it_gives_up_after_the_last_retry_and_says_so(alice, make_claim, loopback_http_server, settings):
    settings.CAPTURE_MAX_RETRIES = 0
    evidence = added(alice, make_claim(), loopback_http_server.url("/busy"))
    capture_evidence(evidence.id)  # no retry left: no Retry raised
    evidence.refresh_from_db()
    assert evidence.capture_status == "failed"
    assert evidence.capture_error == "the server answered 429 Too Many Requests (gave up after the last retry)"


def test_it_fails_at_once_on_a_permanent_error(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/missing"))
    capture_evidence(evidence.id)
    evidence.refresh_from_db()
    assert (evidence.capture_status, evidence.capture_error) == ("failed", "the server answered 404 Not Found")
    assert Evidence.objects.filter(pk=evidence.pk).exists() and Snapshot.objects.count() == 0
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]


def test_it_waits_longer_after_each_retry_but_well_under_the_visibility_timeout(settings):
    settings.CAPTURE_RETRY_BASE_SECONDS = 30
    settings.CAPTURE_RETRY_MAX_SECONDS = 900
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1200}
    waits = [[retry_countdown(n) for _ in range(50)] for n in range(8)]
    assert all(15 <= w <= 30 for w in waits[0])
    assert all(60 <= w <= 120 for w in waits[1])
    assert max(max(w) for w in waits) <= 300  # a quarter of the visibility timeout
    assert len(set(waits[1])) > 1  # jitter: retries of many tasks do not line up


def test_it_caps_retries_on_the_database_count_when_the_reconciler_resends(alice, make_claim, loopback_http_server, settings):
    """A task re-sent by the reconciler starts at retries=0; the cap must still hold."""
    settings.CAPTURE_MAX_RETRIES = 2
    evidence = added(alice, make_claim(), loopback_http_server.url("/error"))
    for _ in range(2):
        with pytest.raises(Retry):
            capture_evidence(evidence.id)  # each call is a fresh task: request.retries is 0
    capture_evidence(evidence.id)  # the third attempt is the last one allowed: no Retry
    evidence.refresh_from_db()
    assert evidence.capture_status == "failed" and evidence.capture_attempts == 3
    assert evidence.capture_error.endswith("(gave up after the last retry)")
