"""Previews end to end: bytes stored in a committed transaction (an upload, or a
capture by the worker itself) are previewed by a real Celery worker, and the
desk serves the picture with the file's access rules."""

import threading
import time

import pytest
from django.urls import reverse

from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import cover_of, damaged_png, decoded, pdf, sideways_jpeg, video
from tests.verification.conftest import _Handler, _Server
from tests.worker import wait_for
from verification.evidence.writes import add_evidence_file, add_evidence_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BRIEF = pdf(420, 297)


def settled(evidence):
    cover = cover_of(evidence)
    return cover if cover is not None and cover.status != "pending" else None


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_previews_an_uploaded_photo_and_serves_it_to_the_desk_only(
    celery_worker, alice, carol, make_claim, client, settings
):
    claim = make_claim()
    evidence = add_evidence_file(alice, claim.id, upload(sideways_jpeg(), "phone.jpg", "image/jpeg"), title="Photo")

    cover = wait_for(lambda: settled(evidence), timeout=60, message=celery_worker.log_tail)

    assert cover.status == "ready", cover.reason
    client.force_login(alice)
    response = client.get(reverse("desk-evidence-preview", args=[evidence.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == f'inline; filename="evidence-{evidence.id}-preview.webp"'
    large = decoded(body(response))
    assert large.size == (cover.width, cover.height) and max(large.size) <= settings.PREVIEW_MAX_EDGE
    assert large.height > large.width  # turned upright
    small = decoded(body(client.get(reverse("desk-evidence-preview", args=[evidence.id]) + "?size=small")))
    assert max(small.size) <= settings.PREVIEW_THUMBNAIL_EDGE
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    assert f'src="/desk/evidence/{evidence.id}/preview?size=small"' in page
    assert 'alt="Preview of Photo"' in page and "data-viewer-download" in page
    assert evidence.custody.filter(action="downloaded").count() == 0  # our picture, not the evidence's bytes

    client.force_login(carol)  # an account with no desk role
    assert client.get(reverse("desk-evidence-preview", args=[evidence.id])).status_code == 403
    client.logout()
    anonymous = client.get(reverse("desk-evidence-preview", args=[evidence.id]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_it_previews_a_video_with_a_real_worker(celery_worker, alice, make_claim):
    evidence = add_evidence_file(alice, make_claim().id, upload(video(), "camp.mp4", "video/mp4"), title="Camp")
    cover = wait_for(lambda: settled(evidence), timeout=60, message=celery_worker.log_tail)
    assert cover.status == "ready", cover.reason
    assert cover.frame_seconds >= 1.0 and (cover.width, cover.height) == (160, 120)


def test_it_records_no_preview_for_a_corrupt_file_once_and_the_page_says_so(celery_worker, alice, make_claim, client):
    claim = make_claim()
    evidence = add_evidence_file(alice, claim.id, upload(damaged_png(), "cut.png", "image/png"), title="Cut")

    cover = wait_for(lambda: settled(evidence), timeout=60, message=celery_worker.log_tail)

    assert cover.status == "unavailable"
    assert cover.reason.startswith("The file could not be read; it may be damaged")
    time.sleep(1.5)
    assert cover_of(evidence).attempts == 1  # an answer, not a retry loop
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[claim.id]))
    assert page.status_code == 200
    assert "No preview: The file could not be read; it may be damaged" in page.content.decode()


class _PdfHandler(_Handler):
    def do_GET(self):
        if self.path == "/brief.pdf":
            self._send(200, BRIEF, [("Content-Type", "application/pdf"), ("Content-Length", len(BRIEF))])
        else:
            super().do_GET()


@pytest.fixture
def pdf_server():
    server = _Server(("127.0.0.1", 0), _PdfHandler)
    server.seen, server.stop = [], threading.Event()
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


def test_it_previews_a_pdf_the_worker_captured(celery_worker, alice, make_claim, pdf_server):
    evidence = add_evidence_url(alice, make_claim().id, pdf_server.url("/brief.pdf"), title="Ministry brief")

    wait_for(lambda: cover_of(evidence), timeout=60, message=celery_worker.log_tail)  # asked for by the capture
    cover = wait_for(lambda: settled(evidence), timeout=60, message=celery_worker.log_tail)

    evidence.refresh_from_db()
    assert evidence.capture_status == "captured" and evidence.stored_file is None
    assert cover.status == "ready", cover.reason
    assert cover.stored_file == evidence.snapshots.get().stored_file
    assert cover.width > cover.height  # a landscape page, 420 by 297 points
