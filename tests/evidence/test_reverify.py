"""Re-verification re-hashes every stored file; a file changed or removed on
disk is flagged loudly: custody, the claim's history, editors notified, and
an alarm on the claim page."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.evidence.evidence_support import PNG, custody, sha256sum, upload
from tests.worker import wait_for
from verification.evidence.writes import add_evidence_file
from verification.models import ClaimEvent, Notification, StoredFile
from verification.tasks import reverify_stored_files


def tamper(stored: StoredFile) -> Path:
    path = Path(stored.file.path)
    with open(path, "r+b") as handle:  # one byte changed, same size: only the hash can tell
        handle.seek(100)
        handle.write(b"\xff" if handle.read(1) != b"\xff" else b"\x00")
    return path


def test_it_flags_a_file_modified_on_disk(alice, erin, frank, make_claim, media_root):
    claim = make_claim()
    video = add_evidence_file(alice, claim.id, upload(PNG + os.urandom(5000), "budanov-video.png"), title="The video")
    intact = add_evidence_file(alice, claim.id, upload(PNG, "map.png"), title="The map")
    path = tamper(video.stored_file)

    reverify_stored_files()

    video.stored_file.refresh_from_db()
    assert video.stored_file.integrity_ok is False and video.stored_file.last_verified_at is not None
    assert custody(video) == ["added", "uploaded", "mismatch"]
    mismatch = video.custody.get(action="mismatch")
    assert mismatch.detail["found_sha256"] == sha256sum(path) != video.sha256
    event = claim.events.filter(kind=ClaimEvent.Kind.EVIDENCE).last()
    assert event.changes["action"] == "integrity_mismatch" and event.changes["evidence_id"] == video.id
    alarms = Notification.objects.filter(kind="integrity")
    assert sorted(n.user.username for n in alarms) == ["erin", "frank"]  # editors, not the fact-checker
    assert all(n.claim_id == claim.id and "The video" in n.message for n in alarms)
    intact.stored_file.refresh_from_db()
    assert intact.stored_file.integrity_ok is True and custody(intact) == ["added", "uploaded", "verified"]


def test_it_raises_one_alarm_per_mismatch_however_often_it_runs(alice, erin, make_claim, media_root):
    claim = make_claim()
    video = add_evidence_file(alice, claim.id, upload(PNG), title="The video")
    tamper(video.stored_file)

    reverify_stored_files()
    version = claim.events.last().version
    reverify_stored_files()

    assert Notification.objects.filter(kind="integrity").count() == 1
    assert claim.events.last().version == version  # no second claim event
    assert custody(video) == ["added", "uploaded", "mismatch", "mismatch"]  # each check is logged


def test_it_flags_a_file_missing_from_storage(alice, erin, make_claim, media_root):
    claim = make_claim()
    video = add_evidence_file(alice, claim.id, upload(PNG), title="The video")
    Path(video.stored_file.file.path).unlink()

    reverify_stored_files()

    video.stored_file.refresh_from_db()
    assert video.stored_file.integrity_ok is False
    assert video.custody.get(action="mismatch").detail["found_sha256"] is None
    assert "is missing from storage" in Notification.objects.get(user=erin, kind="integrity").message


def test_it_shows_the_alarm_on_the_claim(alice, erin, make_claim, media_root, client):
    claim = make_claim()
    video = add_evidence_file(alice, claim.id, upload(PNG), title="The video")
    tamper(video.stored_file)
    reverify_stored_files()

    client.force_login(erin)
    panel = client.get(reverse("desk-evidence-panel", args=[claim.id])).content.decode()
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    for html in (panel, page):
        assert "Integrity alarm" in html and "integrity mismatch" in html


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_flags_a_modified_file_when_the_worker_runs_the_periodic_task(celery_worker, alice, erin, make_claim):
    claim = make_claim()
    # The worker reads the same MEDIA_ROOT as this process (CLAIMDESK_VAR_DIR).
    video = add_evidence_file(alice, claim.id, upload(PNG + os.urandom(64)), title="The video")
    assert Path(video.stored_file.file.path).is_relative_to(settings.MEDIA_ROOT)
    tamper(video.stored_file)

    reverify_stored_files.delay()

    wait_for(
        lambda: not StoredFile.objects.get(pk=video.stored_file_id).integrity_ok,
        timeout=60,
        message="the worker to flag the modified file",
    )
    assert wait_for(
        lambda: Notification.objects.filter(user=erin, kind="integrity", claim=claim).exists(),
        timeout=10,
        message="the editors' notification",
    )
    assert custody(video) == ["added", "uploaded", "mismatch"]
