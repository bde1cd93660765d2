"""Keyframes of stored videos: the task body called in process (the queue end to
end is test_keyframes_worker.py). A video with one hard cut gets its first frame
and the cut, each a readable picture with its time and a PDQ hash in the "seen
before" index; the claim page shows the strip; a frame can be downloaded and
attached as evidence of its own; a truncated video, a container that lies about
its length and the limits each end with a status that says so."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import claiming_duration, decoded, encoded, scene, two_scene_video
from verification.api.keys import create_key
from verification.evidence.writes import add_evidence_file
from verification.models import Evidence, KeyframeSet, MediaHash
from verification.tasks import extract_keyframes, make_preview

CLIP = two_scene_video(seconds=4.0, cut=2.0)  # scene(1) for 2 s, then scene(2): made once, 160×120 at 10 fps


@pytest.fixture
def media(media_root):  # stored bytes and keyframe pictures of this test only
    return media_root


def add(user, claim, data: bytes, name: str = "camp.mp4", content_type: str = "video/mp4") -> Evidence:
    return add_evidence_file(user, claim.id, upload(data, name, content_type), title=name)


def key_client(scope, user=None) -> Client:
    _, raw = create_key(f"{scope} key", scope, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def keyframe_set(evidence) -> KeyframeSet:
    return KeyframeSet.objects.get(stored_file_id=evidence.stored_file_id)


def read(field) -> bytes:
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_keeps_the_first_frame_and_the_scene_change_with_their_times_pictures_and_hashes(alice, make_claim, media):
    video = add(alice, make_claim(), CLIP)
    assert keyframe_set(video).status == "pending"  # asked for in the upload's transaction

    assert extract_keyframes(video.stored_file_id) == "ready"

    found = keyframe_set(video)
    frames = list(found.keyframes.order_by("index"))
    assert found.found == len(frames) == 2 and found.reason == ""
    assert [(f.index, f.why) for f in frames] == [(0, "first"), (1, "scene")]
    assert frames[0].seconds == 0.0 and abs(frames[1].seconds - 2.0) <= 0.15  # the cut is at 2.0 s
    for frame in frames:
        large, small = read(frame.image), read(frame.thumbnail)
        assert decoded(large).size == (frame.width, frame.height) == (160, 120)
        assert decoded(small).size == (frame.thumbnail_width, frame.thumbnail_height)
        assert frame.sha256 == hashlib.sha256(large).hexdigest()
    hashes = MediaHash.objects.filter(stored_file_id=video.stored_file_id, ordinal__gte=1).order_by("ordinal")
    assert [(h.ordinal, h.frame_seconds, h.status) for h in hashes] == [
        (1, frames[0].seconds, "hashed"),
        (2, frames[1].seconds, "hashed"),
    ]
    assert extract_keyframes(video.stored_file_id) is None  # done once: a duplicate task does nothing


def test_it_adds_a_frame_every_interval_between_cuts(alice, make_claim, media, settings):
    settings.KEYFRAME_INTERVAL_SECONDS = 1
    video = add(alice, make_claim(), CLIP)

    extract_keyframes(video.stored_file_id)

    frames = keyframe_set(video).keyframes.order_by("index")
    assert [(round(f.seconds, 1), f.why) for f in frames] == [
        (0.0, "first"),
        (1.0, "interval"),
        (2.0, "scene"),
        (3.0, "interval"),
    ]


def test_a_picture_of_a_later_frame_finds_the_video_it_came_from(alice, make_claim, media, client):
    video = add(alice, make_claim(), CLIP)
    extract_keyframes(video.stored_file_id)
    second = make_claim(text="A photo from the camp, said to be new.")
    photo = add(alice, second, encoded(scene(2, 320, 240), "JPEG", quality=60), "camp.jpg", "image/jpeg")
    make_preview(photo.stored_file_id)

    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[second.id])).content.decode()

    assert f"claim {video.claim_id}" in page and "at 2.0 s" in page  # the keyframe at the cut, not the cover


def test_the_claim_page_shows_the_strip_and_each_frame_opens_and_downloads(alice, carol, make_claim, media, client):
    claim = make_claim()
    video = add(alice, claim, CLIP, "Camp footage.mp4")
    client.force_login(alice)
    pending = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    assert "Keyframes: 0 so far" in pending and reverse("desk-evidence-keyframes", args=[video.id]) in pending
    strip = client.get(reverse("desk-evidence-keyframes", args=[video.id])).content.decode()
    assert "Keyframes: 0 so far" in strip and 'hx-trigger="every ' in strip  # polls itself while extracting

    extract_keyframes(video.stored_file_id)
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()

    assert "Keyframes (2)" in page and "so far" not in page
    assert "hx-trigger" not in client.get(reverse("desk-evidence-keyframes", args=[video.id])).content.decode()
    assert f'src="/desk/evidence/{video.id}/keyframes/1?size=small"' in page
    assert 'alt="Frame at 2.0 s of Camp footage.mp4"' in page and "2.0 s · scene change" in page
    assert page.count("Attach this frame") == 2
    shown = client.get(reverse("desk-keyframe", args=[video.id, 1]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/webp"
    assert shown["Content-Disposition"].startswith("inline;") and shown["X-Content-Type-Options"] == "nosniff"
    frame = keyframe_set(video).keyframes.get(index=1)
    download = client.get(reverse("desk-keyframe-download", args=[video.id, 1]))
    assert download.status_code == 200 and download["Content-Type"] == "image/webp"
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{video.id}-frame-1-at-2.0s.webp"'
    assert hashlib.sha256(body(download)).hexdigest() == frame.sha256
    assert client.get(reverse("desk-keyframe-download", args=[video.id, 7])).status_code == 404

    client.force_login(carol)  # no desk role
    assert client.get(reverse("desk-keyframe-download", args=[video.id, 1])).status_code == 403
    assert client.get(reverse("desk-keyframe", args=[video.id, 1])).status_code == 403


def test_attaching_a_frame_adds_an_image_item_whose_custody_names_the_video_and_second(
    alice, carol, make_claim, media, client
):
    claim = make_claim()
    video = add(alice, claim, CLIP, "Camp footage.mp4")
    extract_keyframes(video.stored_file_id)
    frame = keyframe_set(video).keyframes.get(index=1)
    version = claim.__class__.objects.get(pk=claim.id).version
    client.force_login(alice)

    response = client.post(reverse("desk-keyframe-attach", args=[video.id, 1]))
    again = client.post(reverse("desk-keyframe-attach", args=[video.id, 1]))

    assert response.status_code == 302 and again.status_code == 302
    item = Evidence.objects.exclude(pk=video.pk).get(claim=claim)  # attached once: the second post changed nothing
    assert item.kind == "image" and item.title == "Frame at 2.0 s of “Camp footage.mp4”"
    assert item.sha256 == frame.sha256 and item.stored_file.content_type == "image/webp"
    taken = item.custody.get(action="frame_of_video")
    assert taken.actor == alice and taken.sha256 == frame.sha256
    assert taken.detail["video_evidence_id"] == video.id and taken.detail["video_sha256"] == video.sha256
    assert taken.detail["seconds"] == frame.seconds and taken.detail["index"] == 1
    noted = video.custody.get(action="frame_attached")
    assert noted.detail == {"frame_evidence_id": item.id, "seconds": frame.seconds, "index": 1}
    assert claim.__class__.objects.get(pk=claim.id).version == version + 1
    assert claim.events.filter(kind="evidence", changes__evidence_id=item.id).exists()
    assert item.stored_file.previews.filter(status="pending").exists()  # its own preview and hash follow

    client.force_login(carol)
    assert client.post(reverse("desk-keyframe-attach", args=[video.id, 0])).status_code == 403
    assert Evidence.objects.filter(claim=claim).count() == 2


def test_a_truncated_video_says_it_could_not_be_read_and_nothing_else_is_lost(alice, make_claim, media, client):
    claim = make_claim()
    video = add(alice, claim, CLIP[: len(CLIP) // 2])  # an MP4 cut in half: its index (moov) is gone

    assert extract_keyframes(video.stored_file_id) == "unreadable"

    found = keyframe_set(video)
    assert found.reason == (
        "Could not read: Invalid data found when processing input (it may be truncated or damaged)."
    )
    assert found.found == 0 and Evidence.objects.filter(pk=video.pk, sha256=video.sha256).exists()
    client.force_login(alice)
    assert found.reason in client.get(reverse("desk-claim", args=[claim.id])).content.decode()


def test_a_container_that_lies_about_its_length_is_read_by_its_frames_and_flagged(alice, make_claim, media):
    lying = claiming_duration(two_scene_video(format="matroska"), 4 * 3600)  # 4 s of frames, "4 hours" long
    video = add(alice, make_claim(), lying, "camp.mkv", "video/x-matroska")

    assert extract_keyframes(video.stored_file_id) == "ready"

    found = keyframe_set(video)
    assert found.declared_seconds == 14400.0 and found.read_seconds == pytest.approx(3.9)
    assert found.found == 2
    assert found.reason == (
        "The container says the video lasts 14400.0 s, but its frames end at 3.9 s: "
        "its duration was written wrong (edited, cut or damaged)."
    )


def test_a_video_longer_than_the_limits_keeps_its_first_keyframes_and_says_where_it_stopped(
    alice, make_claim, media, settings
):
    settings.KEYFRAME_INTERVAL_SECONDS = 1
    settings.KEYFRAMES_MAX_VIDEO_SECONDS = 1
    long = claiming_duration(two_scene_video(format="matroska"), 4 * 3600)
    video = add(alice, make_claim(), long, "camp.mkv", "video/x-matroska")

    assert extract_keyframes(video.stored_file_id) == "partial"

    found = keyframe_set(video)
    assert [f.seconds for f in found.keyframes.order_by("index")] == [0.0, 1.0]
    assert found.reason == (
        "First 2 keyframes of a 4-hour video (as its container says), up to 1.0 s: stopped at the most read "
        "of a video (CLAIMDESK_KEYFRAMES_MAX_VIDEO_SECONDS = 1)."
    )

    settings.KEYFRAMES_MAX_VIDEO_SECONDS, settings.KEYFRAME_INTERVAL_SECONDS, settings.KEYFRAMES_MAX = 1800, 5, 1
    other = add(alice, make_claim(text="Another clip."), CLIP, "other.mp4")
    assert extract_keyframes(other.stored_file_id) == "partial"
    assert keyframe_set(other).found == 1 and "CLAIMDESK_KEYFRAMES_MAX = 1" in keyframe_set(other).reason


def test_the_most_keyframes_a_video_has_is_not_a_limit_and_wall_time_is(alice, make_claim, media, settings):
    settings.KEYFRAMES_MAX = 2  # exactly the clip's two: it ends "ready"
    exact = add(alice, make_claim(), CLIP)
    assert extract_keyframes(exact.stored_file_id) == "ready" and keyframe_set(exact).found == 2

    settings.KEYFRAMES_MAX_SECONDS = 0  # out of time before the first packet
    late = add(alice, make_claim(text="A late clip."), two_scene_video(seconds=3.0), "late.mp4")
    assert extract_keyframes(late.stored_file_id) == "partial"
    assert keyframe_set(late).reason == (
        "No keyframe of a 3.0-second video (as its container says) yet: stopped at the time allowed "
        "(CLAIMDESK_KEYFRAMES_MAX_SECONDS = 0)."
    )


def test_images_get_no_keyframes_and_the_sweep_asks_for_videos_stored_before(alice, make_claim, media):
    photo = add(alice, make_claim(), encoded(scene(3), "PNG"), "photo.png", "image/png")
    video = add(alice, make_claim(), CLIP)
    KeyframeSet.objects.all().delete()  # as if stored before keyframes existed

    from verification.evidence import keyframes

    assert keyframes.sweep() == {"asked": 1, "resent": 0}
    assert not KeyframeSet.objects.filter(stored_file_id=photo.stored_file_id).exists()
    assert keyframe_set(video).status == "pending"


def test_the_api_lists_a_videos_keyframes_to_review_keys_only(alice, make_claim, media):
    claim = make_claim()
    video = add(alice, claim, CLIP)
    extract_keyframes(video.stored_file_id)

    listed = key_client("review", alice).get(f"/api/v1/claims/{claim.id}/evidence").json()["results"][0]
    public = key_client("read").get(f"/api/v1/claims/{claim.id}/evidence").json()["results"][0]

    assert [(f["index"], round(f["seconds"], 1)) for f in listed["keyframes"]] == [(0, 0.0), (1, 2.0)]
    assert listed["keyframes"][1]["url"] == f"/desk/evidence/{video.id}/keyframes/1"
    assert "keyframes" not in public
