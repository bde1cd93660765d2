"""Previews of stored evidence: the task body called in process (the queue end to
end is test_preview_worker.py). Each kind of file gets an upright, bounded picture
without its metadata; a file that cannot be previewed records why, at once and
for good; a preview is asked for once per bytes, and the sweep and the command
catch up on files stored before previews existed."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import (
    cover_of,
    damaged_png,
    decoded,
    pdf,
    png,
    png_claiming,
    sideways_jpeg,
    video,
)
from verification.evidence import previews
from verification.evidence.writes import add_evidence_file
from verification.models import Preview, StoredFile
from verification.tasks import make_preview

MAKE = "verification.tasks.make_preview"


def add(user, claim, data: bytes, name: str, content_type: str = "application/octet-stream"):
    return add_evidence_file(user, claim.id, upload(data, name, content_type), title=name)


def read(field) -> bytes:
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def test_it_makes_an_upright_bounded_preview_of_a_sideways_photo_without_its_metadata(
    alice, make_claim, media_root, settings
):
    evidence = add(alice, make_claim(), sideways_jpeg(2400, 1200), "phone.jpg")
    assert cover_of(evidence).status == "pending"  # asked for in the upload's transaction

    assert make_preview(evidence.stored_file_id) == "ready"

    cover = cover_of(evidence)
    large, small = decoded(read(cover.image)), decoded(read(cover.thumbnail))
    assert cover.content_type == "image/webp" and large.format == "WEBP" and small.format == "WEBP"
    # Stored 2400×1200 with orientation 6: shown upright it is 1200 wide, 2400 tall, red on top.
    assert (cover.width, cover.height) == large.size == (640, 1280)
    assert max(small.size) == settings.PREVIEW_THUMBNAIL_EDGE == 320
    assert (cover.thumbnail_width, cover.thumbnail_height) == small.size
    top, bottom = large.convert("RGB").getpixel((320, 100)), large.convert("RGB").getpixel((320, 1180))
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]
    # Pixels only: no EXIF (camera, GPS), no ICC, no XMP.
    assert not large.getexif() and not {"exif", "icc_profile", "xmp"} & set(large.info)
    assert b"SecretCam" not in read(cover.image) and b"SecretCam" not in read(cover.thumbnail)
    assert cover.generator.startswith("Pillow ") and cover.attempts == 1 and cover.finished_at


def test_it_drops_a_colour_profile_from_the_preview(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), png(300, 200, icc=True), "profiled.png")
    make_preview(evidence.stored_file_id)
    cover = cover_of(evidence)
    assert cover.status == "ready" and (cover.width, cover.height) == (300, 200)  # never enlarged
    assert "icc_profile" not in decoded(read(cover.image)).info


def test_it_renders_the_first_page_of_a_pdf(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), pdf(200, 300), "brief.pdf")
    make_preview(evidence.stored_file_id)

    cover = cover_of(evidence)
    page = decoded(read(cover.image)).convert("RGB")
    assert cover.status == "ready" and cover.generator.startswith("pypdfium2 ")
    assert page.height == max(page.size) <= 1280 and abs(page.width / page.height - 2 / 3) < 0.01
    # The red box sits near the bottom-left corner of a white page.
    box = page.getpixel((int(page.width * 0.5), int(page.height * 0.77)))
    assert box[0] > 150 > box[1]
    assert page.getpixel((page.width // 2, page.height // 10)) == (255, 255, 255)


def test_it_shows_a_frame_past_the_black_opening_of_a_video(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), video(seconds=3, black_seconds=1), "camp.mp4")
    make_preview(evidence.stored_file_id)

    cover = cover_of(evidence)
    frame = decoded(read(cover.image)).convert("RGB")
    assert cover.status == "ready" and cover.generator.startswith("PyAV ")
    assert 1.0 <= cover.frame_seconds < 3.0  # the first frame checked (0.3 s) was black
    assert frame.size == (160, 120)
    green = frame.getpixel((120, 90))
    assert green[1] > 150 > green[0]


def test_it_turns_a_video_as_its_display_matrix_says(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), video(seconds=2, black_seconds=0, rotation=90), "portrait.mp4")
    make_preview(evidence.stored_file_id)

    frame = decoded(read(cover_of(evidence).image)).convert("RGB")
    assert frame.size == (120, 160)  # stored 160×120, shown turned a quarter
    corner = frame.getpixel((5, 155))  # the red top-left corner, turned counterclockwise to the bottom left
    assert corner[0] > 150 > corner[1]


def test_it_records_no_preview_for_a_damaged_image_and_the_claim_page_says_so(alice, make_claim, media_root, client):
    claim = make_claim()
    evidence = add(alice, claim, damaged_png(), "cut.png")

    assert make_preview(evidence.stored_file_id) == "unavailable"
    assert make_preview(evidence.stored_file_id) is None  # recorded for good: no second try

    cover = cover_of(evidence)
    assert cover.status == "unavailable" and cover.attempts == 1 and not cover.image
    assert cover.reason.startswith("The file could not be read; it may be damaged")
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[claim.id])).content.decode()
    assert "No preview: The file could not be read" in page
    assert client.get(reverse("desk-evidence-preview", args=[evidence.id])).status_code == 404


def test_it_refuses_a_decompression_bomb_from_its_header_before_decoding(alice, make_claim, media_root, settings):
    settings.PREVIEW_MAX_PIXELS = 1_000_000
    modest = add(alice, make_claim(), png(1200, 1000), "modest.png")
    bomb = add(alice, make_claim(), png_claiming(100_000, 100_000), "bomb.png")

    make_preview(modest.stored_file_id)
    make_preview(bomb.stored_file_id)

    assert cover_of(modest).reason == (
        "The picture is too large to preview: 1200×1000 pixels is over the limit of 1000000 "
        "(CLAIMDESK_PREVIEW_MAX_PIXELS); download the file to see it."
    )
    assert cover_of(bomb).status == "unavailable" and "too large to preview" in cover_of(bomb).reason


def test_it_does_not_decode_a_file_over_the_size_limit(alice, make_claim, media_root, settings):
    settings.PREVIEW_MAX_BYTES = 1000
    evidence = add(alice, make_claim(), png(400, 400, colour=(10, 20, 30)) + b"\0" * 2000, "big.png")
    make_preview(evidence.stored_file_id)
    assert (
        "too big to preview" in cover_of(evidence).reason and "CLAIMDESK_PREVIEW_MAX_BYTES" in cover_of(evidence).reason
    )


def test_it_records_a_type_never_previewed_at_once_and_sends_no_task(
    alice, make_claim, media_root, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=True):
        text = add(alice, claim, b"Notes from the scene\n", "notes.txt", "text/plain")
        svg = add(alice, claim, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "d.svg")
        photo = add(alice, claim, png(10, 10), "photo.png")

    assert cover_of(text).status == "unavailable"
    assert cover_of(text).reason == "Only images, PDFs and videos are previewed; this file is text/plain."
    assert svg.stored_file.content_type == "image/svg+xml"
    assert cover_of(svg).reason.startswith("SVG drawings are not previewed (they can carry scripts)")
    assert [args for name, args, _ in sent_tasks if name == MAKE] == [[photo.stored_file_id]]  # the photo's only


@pytest.mark.django_db(transaction=True)
def test_it_asks_once_for_bytes_uploaded_twice(alice, bob, make_claim, media_root, sent_tasks):
    data = png(64, 64)
    first = add(alice, make_claim(), data, "a.png")
    second = add(bob, make_claim("Another claim about the same photo."), data, "b.png")

    assert first.stored_file_id == second.stored_file_id
    assert Preview.objects.filter(stored_file_id=first.stored_file_id).count() == 1
    assert [args for name, args, _ in sent_tasks if name == MAKE] == [[first.stored_file_id]] * 2  # still pending

    previews.make(first.stored_file_id)
    add(alice, make_claim("A third claim with the photo."), data, "c.png")
    assert len([name for name, _, _ in sent_tasks if name == MAKE]) == 2  # made: nothing more to ask


def test_it_makes_a_preview_only_once(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), png(200, 100), "once.png")
    make_preview(evidence.stored_file_id)
    before = cover_of(evidence)

    assert make_preview(evidence.stored_file_id) is None
    after = cover_of(evidence)
    assert (after.image.name, after.attempts, after.finished_at) == (before.image.name, 1, before.finished_at)
    assert make_preview(987654) is None  # bytes that are gone: nothing to do, no error


def test_it_leaves_an_attempt_another_worker_is_on_and_gives_up_after_workers_died(alice, make_claim, media_root):
    from datetime import timedelta

    from django.utils import timezone

    evidence = add(alice, make_claim(), png(80, 60), "killer.png")
    cover = cover_of(evidence)
    Preview.objects.filter(pk=cover.pk).update(attempts=1, started_at=timezone.now())
    assert make_preview(evidence.stored_file_id) is None  # within its time: someone is on it
    assert cover_of(evidence).status == "pending"

    long_ago = timezone.now() - timedelta(hours=1)
    Preview.objects.filter(pk=cover.pk).update(attempts=previews.MAX_ATTEMPTS, started_at=long_ago)
    assert make_preview(evidence.stored_file_id) is None
    cover = cover_of(evidence)
    assert cover.status == "unavailable" and cover.reason.startswith("Making the preview stopped its worker 3 times")


def test_the_sweep_asks_for_files_stored_before_previews_and_resends_stalled_ones(
    alice, make_claim, media_root, sent_tasks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    old = add(alice, make_claim(), png(90, 90), "old.png")
    Preview.objects.filter(stored_file=old.stored_file).delete()  # as if stored before previews existed
    stalled = add(alice, make_claim(), png(91, 91), "stalled.png")
    Preview.objects.filter(stored_file=stalled.stored_file).update(
        created_at=timezone.now() - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS + 5)
    )
    fresh = add(alice, make_claim(), png(92, 92), "fresh.png")  # just asked for: not stalled
    orphan = StoredFile.objects.create(sha256="f" * 64, size=1, content_type="image/png", file="evidence/none")

    counts = previews.sweep()

    assert counts == {"asked": 1, "resent": 1}
    assert cover_of(old).status == "pending"
    assert not Preview.objects.filter(stored_file=orphan).exists()  # no evidence uses it
    resent = [(args, opts) for name, args, opts in sent_tasks if name == MAKE]
    assert ([stalled.stored_file_id], {"expires": settings.PREVIEW_SWEEP_SECONDS}) in resent
    assert fresh.stored_file_id not in [args[0] for args, opts in resent if opts]


def test_the_command_makes_what_is_missing_with_progress(alice, make_claim, media_root):
    claim = make_claim()
    photo = add(alice, claim, png(120, 80), "photo.png")
    broken = add(alice, claim, damaged_png(), "broken.png")
    Preview.objects.all().delete()  # both stored before previews existed

    out = io.StringIO()
    call_command("make_previews", stdout=out)

    text = out.getvalue()
    assert "2 stored files to preview" in text
    assert f"[1/2] stored file {photo.stored_file_id} (image/png): ready, 120×80" in text
    assert f"[2/2] stored file {broken.stored_file_id} (image/png): no preview: The file could not be read" in text
    assert "Done: 1 ready, 1 without a preview." in text
    assert cover_of(photo).status == "ready" and cover_of(broken).status == "unavailable"


def test_the_command_tries_unavailable_previews_again_when_asked(alice, make_claim, media_root, settings):
    settings.PREVIEW_MAX_PIXELS = 100
    evidence = add(alice, make_claim(), png(120, 80), "photo.png")
    make_preview(evidence.stored_file_id)
    assert cover_of(evidence).status == "unavailable"

    settings.PREVIEW_MAX_PIXELS = 1_000_000  # the admin raised the limit
    out = io.StringIO()
    call_command("make_previews", "--retry-unavailable", stdout=out)
    assert cover_of(evidence).status == "ready" and "1 ready" in out.getvalue()
