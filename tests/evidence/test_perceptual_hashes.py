"""Perceptual hashes and "seen before": the preview task hashes each image and the
video frame it shows (PDQ); a re-encoded or resized copy stored later, on another
claim, is found with its distance, on the claim page and in the API, and a
different picture is not. The chunk index finds exactly what comparing every
hash finds. The queue end to end is the last test, with a real worker."""

import json
import random

import pytest
from django.urls import reverse
from django.utils.dateformat import format as date_format
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.core_support import key_client, make_key, problem_of, session_client
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import damaged_png, encoded, pdf, png, scene, scene_video
from tests.worker import wait_for
from verification.evidence import perceptual
from verification.evidence.writes import add_evidence_file
from verification.models import MediaHash, StoredFile
from verification.tasks import make_preview

ORIGINAL = scene(1)


def add(user, claim, data: bytes, name: str):
    evidence = add_evidence_file(user, claim.id, upload(data, name, "application/octet-stream"), title=name)
    return evidence


def hashed(user, claim, data: bytes, name: str):
    """Store the bytes and run the preview task's body, as a worker would."""
    evidence = add(user, claim, data, name)
    make_preview(evidence.stored_file_id)
    return evidence


def matches_of(evidence):
    return perceptual.seen_before([evidence]).get(evidence.pk, [])


@pytest.mark.django_db
def test_it_finds_a_resized_and_reencoded_copy_on_another_claim_and_not_a_different_picture(
    alice, make_claim, media_root, client
):
    first = hashed(alice, make_claim(), encoded(ORIGINAL), "camp.png")
    cheap = hashed(alice, make_claim(), encoded(ORIGINAL, "JPEG", quality=15), "camp-cheap.jpg")
    half = hashed(alice, make_claim(), encoded(ORIGINAL.resize((320, 240)), "PNG"), "camp-half.png")
    other = hashed(alice, make_claim(), encoded(scene(2), "JPEG", quality=90), "harbour.jpg")

    row = MediaHash.objects.get(stored_file=first.stored_file)
    assert row.status == "hashed" and row.quality >= perceptual.MIN_QUALITY and row.frame_seconds is None
    assert len(row.pdq) == 64 and [getattr(row, f"c{i}") for i in range(12)] == perceptual.chunks(int(row.pdq, 16))

    assert matches_of(first) == []  # nothing was stored before it
    [match] = matches_of(cheap)
    assert (match.evidence_id, match.claim_id, match.kind) == (first.pk, first.claim_id, "image")
    assert 0 < match.distance <= 31 and match.first_stored_at == first.added_at
    by_half = matches_of(half)
    assert [m.evidence_id for m in by_half] == sorted([first.pk, cheap.pk], key=lambda pk: pk)  # both are earlier
    assert all(m.distance <= 31 for m in by_half)
    assert matches_of(other) == []

    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[cheap.claim_id])).content.decode()
    when = date_format(first.added_at, "j F Y")
    link = f'<a href="{reverse("desk-claim", args=[first.claim_id])}#evidence-{first.pk}">evidence {first.pk}</a>'
    assert f"This image\n    matches {link}" in page
    assert f"stored for claim {first.claim_id} on" in page and when in page
    assert f"distance {match.distance}</li>" in page
    assert "This image" not in client.get(reverse("desk-claim", args=[other.claim_id])).content.decode()


@pytest.mark.django_db
def test_it_finds_the_frame_of_a_video_copied_at_half_size(alice, make_claim, media_root, client):
    first = hashed(alice, make_claim(), scene_video(7, 320, 240), "camp.mp4")
    copy = hashed(alice, make_claim(), scene_video(7, 160, 120, crf=35), "camp-small.mp4")
    unrelated = hashed(alice, make_claim(), scene_video(8, 320, 240), "harbour.mp4")

    row = MediaHash.objects.get(stored_file=first.stored_file)
    assert row.status == "hashed" and row.frame_seconds is not None and row.quality >= perceptual.MIN_QUALITY
    [match] = matches_of(copy)
    assert match.evidence_id == first.pk and match.kind == "video" and match.distance <= 31
    assert match.frame_seconds == row.frame_seconds and match.own_frame_seconds is not None
    assert matches_of(unrelated) == []

    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[copy.claim_id])).content.decode()
    assert f"This frame (at {match.own_frame_seconds:.1f} s)" in page and f"evidence {first.pk}</a>" in page


@pytest.mark.django_db
def test_it_records_why_a_damaged_image_has_no_hash_and_hashes_no_pdf(alice, make_claim, media_root, client):
    claim = make_claim()
    damaged = hashed(alice, claim, damaged_png(), "cut.png")
    brief = hashed(alice, claim, pdf(), "brief.pdf")

    row = MediaHash.objects.get(stored_file=damaged.stored_file)
    assert row.status == "unreadable" and row.pdq == "" and row.c0 is None
    assert row.reason.startswith("The file could not be read; it may be damaged")
    assert not MediaHash.objects.filter(stored_file=brief.stored_file).exists()
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    assert "Not compared with earlier evidence: The file could not be read" in page


@pytest.mark.django_db
def test_it_never_matches_pictures_too_plain_to_compare(alice, make_claim, media_root, client):
    first = hashed(alice, make_claim(), png(640, 480), "green.png")
    second = hashed(alice, make_claim(), png(320, 240), "green-small.png")

    rows = MediaHash.objects.filter(stored_file__in=[first.stored_file, second.stored_file])
    assert [r.quality < perceptual.MIN_QUALITY for r in rows] == [True, True]
    assert all(r.status == "hashed" for r in rows)  # stored, but a flat colour's hash is noise: never compared
    assert matches_of(second) == []
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[second.claim_id])).content.decode()
    assert "the picture is too plain (PDQ quality 0 of 100)" in page


@pytest.mark.django_db
def test_it_answers_the_matches_of_an_item_to_reviewers_only(alice, make_claim, media_root):
    first = hashed(alice, make_claim(), encoded(ORIGINAL), "camp.png")
    copy = hashed(alice, make_claim(), encoded(ORIGINAL.resize((320, 240)), "JPEG", quality=40), "copy.jpg")
    [match] = matches_of(copy)

    response = key_client(make_key("review", user=alice)).get(f"/api/v1/evidence/{copy.pk}/matches")

    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body == {
        "evidence": copy.pk,
        "threshold": 31,
        "matches": [
            {
                "evidence": first.pk,
                "claim": first.claim_id,
                "kind": "image",
                "first_stored_at": body["matches"][0]["first_stored_at"],
                "distance": match.distance,
                "frame_seconds": None,
            }
        ],
    }
    assert body["matches"][0]["first_stored_at"].startswith(first.added_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert json.loads(session_client(alice).get(f"/api/v1/evidence/{first.pk}/matches").content)["matches"] == []
    assert key_client(make_key("read")).get(f"/api/v1/evidence/{copy.pk}/matches").status_code == 403
    missing = problem_of(key_client(make_key("review", user=alice)).get("/api/v1/evidence/999999/matches"), 404)
    assert "Evidence 999999 does not exist" in missing["detail"]


@pytest.mark.django_db
def test_its_threshold_is_a_setting(alice, make_claim, media_root, settings):
    first = hashed(alice, make_claim(), encoded(ORIGINAL), "camp.png")
    copy = hashed(alice, make_claim(), encoded(ORIGINAL.resize((320, 240)), "JPEG", quality=40), "copy.jpg")
    [match] = matches_of(copy)
    assert match.distance > 0

    settings.PDQ_MATCH_DISTANCE = match.distance - 1
    assert matches_of(copy) == []
    assert json.loads(session_client(alice).get(f"/api/v1/evidence/{copy.pk}/matches").content)["threshold"] == (
        match.distance - 1
    )
    settings.PDQ_MATCH_DISTANCE = match.distance
    assert [m.evidence_id for m in matches_of(copy)] == [first.pk]


def _flip(value: int, rng: random.Random, bits: int) -> int:
    for bit in rng.sample(range(256), bits):
        value ^= 1 << bit
    return value


@pytest.mark.django_db
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), threshold=st.integers(0, 47))
def test_the_chunk_index_finds_exactly_what_comparing_every_hash_finds(seed, threshold):
    rng = random.Random(seed)
    MediaHash.objects.all().delete()
    stored = StoredFile.objects.get_or_create(sha256="f" * 64, defaults={"size": 1, "content_type": "image/png"})[0]
    query = rng.getrandbits(256)
    # A few hundred: near copies of the query at every distance around the threshold, and random ones.
    values = [_flip(query, rng, rng.randrange(0, 80)) for _ in range(150)] + [rng.getrandbits(256) for _ in range(150)]
    MediaHash.objects.bulk_create(perceptual.row(stored.pk, n, value, 100) for n, value in enumerate(values))

    found = {(n.hash_id, n.distance) for n in perceptual.nearby([query], threshold)}

    every = MediaHash.objects.values_list("pk", "pdq")
    expected = {
        (pk, (int(h, 16) ^ query).bit_count()) for pk, h in every if (int(h, 16) ^ query).bit_count() <= threshold
    }
    assert found == expected
    assert any(d > threshold for d in ((v ^ query).bit_count() for v in values))  # the index had something to leave


def test_the_pigeonhole_radii_are_what_the_chunks_allow():
    # 31 = 12 * 2 + 7: eight chunks (the 21-bit ones) within 2 bits, the four 22-bit ones within 1.
    assert perceptual.radii(31) == [2] * 8 + [1] * 4
    assert perceptual.radii(0) == [0] + [-1] * 11  # an equal hash: one chunk equal is enough to look for
    assert perceptual.radii(11) == [0] * 12 and perceptual.radii(12) == [1] + [0] * 11
    assert perceptual.radii(47) == [3] * 12
    assert [len(perceptual.neighbours(0xBEEF, 21, r)) for r in range(-1, 3)] == [0, 1, 22, 232]
    assert len(perceptual.candidates_filter([2**255 + 12345], 31)) == 12  # one IN list per chunk column


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_hashes_uploads_and_the_copy_finds_the_original(celery_worker, alice, make_claim):
    first = add(alice, make_claim(), encoded(ORIGINAL, "JPEG", quality=92), "camp.jpg")
    copy = add(alice, make_claim(), encoded(ORIGINAL.resize((320, 240)), "JPEG", quality=30), "copy.jpg")

    def both_hashed():
        return MediaHash.objects.filter(stored_file__in=[first.stored_file_id, copy.stored_file_id]).count() == 2

    wait_for(both_hashed, timeout=60, message=celery_worker.log_tail)
    assert set(MediaHash.objects.values_list("status", flat=True)) == {"hashed"}
    body = json.loads(session_client(alice).get(f"/api/v1/evidence/{copy.pk}/matches").content)
    assert [(m["evidence"], m["claim"]) for m in body["matches"]] == [(first.pk, first.claim_id)]
    assert body["matches"][0]["distance"] <= 31
