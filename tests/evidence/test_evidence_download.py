"""Downloading stored bytes from the desk: served as an attachment with the
recorded digest, and written to the custody log."""

import base64
import hashlib

import pytest
from django.urls import reverse

from tests.evidence.evidence_support import PAGE, PNG, custody, upload
from verification.evidence.writes import add_evidence_file, add_evidence_url
from verification.tasks import capture_evidence


@pytest.fixture
def video(alice, make_claim, media_root):
    return add_evidence_file(alice, make_claim().id, upload(PNG, "budanov-video.png"), title="The video")


def test_it_serves_the_file_and_records_the_download_in_custody(bob, video, client):
    client.force_login(bob)
    response = client.get(reverse("desk-evidence-download", args=[video.id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="budanov-video.png"'
    assert response["Repr-Digest"] == "sha-256=:" + base64.b64encode(hashlib.sha256(PNG).digest()).decode() + ":"
    assert custody(video) == ["added", "uploaded", "downloaded"]
    download = video.custody.get(action="downloaded")
    assert (download.actor, download.sha256) == (bob, video.sha256)


def test_it_serves_a_snapshot_of_a_captured_url(
    alice, make_claim, client, loopback_http_server, media_root, no_outside_connections, fake_dns
):
    evidence = add_evidence_url(alice, make_claim().id, loopback_http_server.url("/page"))
    capture_evidence(evidence.id)
    snapshot = evidence.snapshots.get()

    client.force_login(alice)
    response = client.get(reverse("desk-evidence-download", args=[evidence.id]) + f"?snapshot={snapshot.id}")

    assert b"".join(response.streaming_content) == PAGE
    assert response["Content-Security-Policy"] == "sandbox"
    assert evidence.custody.get(action="downloaded").detail["snapshot_id"] == snapshot.id


def test_it_refuses_people_without_a_desk_role_and_logs_nothing(carol, video, client):
    client.force_login(carol)
    assert client.get(reverse("desk-evidence-download", args=[video.id])).status_code == 403
    assert custody(video) == ["added", "uploaded"]


def test_it_sends_anonymous_visitors_to_the_login_page(video, client):
    response = client.get(reverse("desk-evidence-download", args=[video.id]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert custody(video) == ["added", "uploaded"]


def test_it_answers_404_for_a_note_without_bytes(alice, make_claim, client):
    from verification.evidence.writes import add_evidence_note

    note = add_evidence_note(alice, make_claim().id, "Phone call with the ministry.")
    client.force_login(alice)
    assert client.get(reverse("desk-evidence-download", args=[note.id])).status_code == 404
    assert custody(note) == ["added"]
