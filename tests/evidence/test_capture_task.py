"""The capture task body, called directly against a real HTTP server on
loopback: snapshots, idempotence, seeded evidence, failures and retries."""

import hashlib

import pytest

from tests.evidence.evidence_support import PAGE, custody
from verification.evidence.capture import CaptureRetry, retry_window
from verification.evidence.writes import add_evidence_url
from verification.models import Evidence, Snapshot, StoredFile
from verification.tasks import capture_evidence

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
    assert custody(evidence) == ["added", "capture_requested", "captured", "warc_written"]
    captured = evidence.custody.get(action="captured")
    assert (captured.sha256, captured.detail["final_url"], captured.detail["ip"]) == (evidence.sha256, url, "127.0.0.1")


def test_it_does_not_capture_again_when_a_duplicate_task_arrives(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/page"))
    capture_evidence(evidence.id)
    capture_evidence(evidence.id)
    assert len(loopback_http_server.seen) == 1
    assert Snapshot.objects.count() == 1 and StoredFile.objects.count() == 2  # the page and its WARC
    assert custody(evidence) == ["added", "capture_requested", "captured", "warc_written"]


def test_it_never_fetches_seeded_evidence_even_if_a_task_names_it(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/page"), capture=False)
    capture_evidence(evidence.id)
    evidence.refresh_from_db()
    assert loopback_http_server.seen == []
    assert (evidence.capture_status, evidence.capture_attempts) == ("not_requested", 0)


def test_it_returns_quietly_when_the_evidence_is_gone(alice, make_claim):
    other = added(alice, make_claim(), "https://example.org/untouched")
    capture_evidence(987654)  # deleted after the task was queued: nothing to do, nothing raised
    other.refresh_from_db()
    assert (other.capture_status, other.capture_attempts, other.capture_error) == ("pending", 0, "")
    assert Snapshot.objects.count() == 0 and StoredFile.objects.count() == 0
    assert custody(other) == ["added", "capture_requested"]


def test_it_stores_the_same_page_once_for_two_claims(alice, make_claim, loopback_http_server):
    first = added(alice, make_claim(), loopback_http_server.url("/page"))
    second = added(alice, make_claim(text="Another claim."), loopback_http_server.url("/page?x=1"))
    capture_evidence(first.id)
    capture_evidence(second.id)
    page = StoredFile.objects.exclude(content_type="application/warc").get()  # the page's bytes once
    assert Snapshot.objects.filter(stored_file=page).count() == 2
    # Each fetch has its own archive: its records carry their own dates and ids.
    assert StoredFile.objects.filter(content_type="application/warc").count() == 2


def test_it_retries_a_transient_failure_and_keeps_the_evidence_pending(alice, make_claim, loopback_http_server):
    evidence = added(alice, make_claim(), loopback_http_server.url("/error"))

    with pytest.raises(CaptureRetry):  # called directly, Celery's autoretry re-raises what it would retry
        capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "pending"
    assert (
        evidence.capture_error == "the server answered 500 Internal Server Error (attempt 1 of 6; retrying within 30 s)"
    )
    failed = evidence.custody.get(action="capture_failed")
    assert failed.detail["transient"] is True and failed.detail["retry_within_seconds"] == 30


def test_it_gives_up_after_the_last_retry_and_says_so(alice, make_claim, loopback_http_server, settings):
    settings.CAPTURE_MAX_RETRIES = 0
    evidence = added(alice, make_claim(), loopback_http_server.url("/busy"))
    capture_evidence(evidence.id)  # no retry left: nothing raised
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
    assert [retry_window(n) for n in range(6)] == [30, 60, 120, 240, 300, 300]  # a quarter of the visibility timeout


def test_it_retries_with_celerys_backoff_and_jitter():
    assert capture_evidence.autoretry_for == (CaptureRetry,)
    assert capture_evidence.retry_jitter is True  # retries of many tasks after an outage do not line up
    assert capture_evidence.retry_backoff == 30 and capture_evidence.retry_backoff_max <= 3600 // 4


def test_it_caps_retries_on_the_database_count_when_the_reconciler_resends(
    alice, make_claim, loopback_http_server, settings
):
    """A task re-sent by the reconciler starts at retries=0; the cap must still hold."""
    settings.CAPTURE_MAX_RETRIES = 2
    evidence = added(alice, make_claim(), loopback_http_server.url("/error"))
    for _ in range(2):
        with pytest.raises(CaptureRetry):
            capture_evidence(evidence.id)  # each call is a fresh task: request.retries is 0
    capture_evidence(evidence.id)  # the third attempt is the last one allowed: nothing raised
    evidence.refresh_from_db()
    assert evidence.capture_status == "failed" and evidence.capture_attempts == 3
    assert evidence.capture_error.endswith("(gave up after the last retry)")
