"""Capture end to end: a URL added in a committed transaction is fetched by a
real Celery worker from a real HTTP server on loopback (the worker allows
loopback through CLAIMDESK_ALLOW_LOOPBACK_FETCH, a test-only setting)."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.evidence.evidence_support import PAGE, custody, sha256sum, sha256sum_of
from tests.worker import wait_for
from verification.evidence.writes import add_evidence_url
from verification.models import Evidence

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def settled(evidence_id: int) -> Evidence | None:
    evidence = Evidence.objects.get(pk=evidence_id)
    return evidence if evidence.capture_status in ("captured", "failed") else None


def test_it_captures_a_page_behind_a_redirect_chain_with_a_real_worker(
    celery_worker, alice, make_claim, evidence_http_server, tmp_path
):
    url = evidence_http_server.url("/hop/3")
    evidence = add_evidence_url(alice, make_claim().id, url, title="Pentagon briefing")  # commits: enqueued

    evidence = wait_for(lambda: settled(evidence.id), timeout=60, message="the worker to capture the page")

    assert evidence.capture_status == "captured", evidence.capture_error
    snapshot = evidence.snapshots.get()
    assert snapshot.final_url == evidence_http_server.url("/page")
    assert [hop["location"] for hop in snapshot.redirects] == [
        evidence_http_server.url(p) for p in ("/hop/2", "/hop/1", "/page")
    ]
    assert evidence.sha256 == sha256sum_of(PAGE, tmp_path)
    assert sha256sum(Path(settings.MEDIA_ROOT) / snapshot.stored_file.file.name) == evidence.sha256
    assert custody(evidence) == ["added", "capture_requested", "captured", "warc_written"]
    # The worker archived the final hop: its WARC's hash is in the custody log.
    warc_hash = sha256sum(Path(settings.MEDIA_ROOT) / snapshot.warc.file.name)
    assert evidence.custody.get(action="warc_written").sha256 == warc_hash == snapshot.warc.sha256


def test_it_records_a_page_over_the_size_cap_as_failed_and_keeps_the_evidence(
    celery_worker, alice, make_claim, evidence_http_server
):
    cap = settings.CAPTURE_MAX_BYTES  # the worker runs with the same setting
    claim = make_claim()
    evidence = add_evidence_url(alice, claim.id, evidence_http_server.url(f"/bytes/{cap + 1}"), title="Huge page")

    evidence = wait_for(lambda: settled(evidence.id), timeout=60, message="the worker to give up on the page")

    assert evidence.capture_status == "failed"
    assert f"over the {cap}-byte limit" in evidence.capture_error
    assert list(claim.evidence.all()) == [evidence]  # still attached, with its status
    assert evidence.snapshots.count() == 0 and evidence.sha256 == ""
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]
