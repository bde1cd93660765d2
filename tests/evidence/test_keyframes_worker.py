"""Keyframes end to end: a video uploaded in a committed transaction has its
keyframes extracted by a real Celery worker, and the claim page shows them."""

import pytest
from django.urls import reverse

from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import two_scene_video
from tests.worker import wait_for
from verification.evidence.writes import add_evidence_file
from verification.models import KeyframeSet

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(evidence):
    evidence.refresh_from_db()
    found = KeyframeSet.objects.filter(stored_file__sha256=evidence.sha256).first()
    return found if found is not None and found.status != "pending" else None


def test_it_extracts_an_uploaded_videos_keyframes_with_a_real_worker(celery_worker, alice, make_claim, client):
    claim = make_claim()
    video = add_evidence_file(alice, claim.id, upload(two_scene_video(), "camp.mp4", "video/mp4"), title="Camp")

    found = wait_for(lambda: finished(video), timeout=60, message=celery_worker.log_tail)

    assert found.status == "ready", found.reason
    assert [round(f.seconds, 1) for f in found.keyframes.order_by("index")] == [0.0, 2.0]
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    assert "Keyframes (2)" in page and f"/desk/evidence/{video.id}/keyframes/1?size=small" in page
