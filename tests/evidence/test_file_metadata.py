"""What a stored file says about itself (issue 19, item 3): camera, times, GPS
and editing software from a photo's EXIF, container and streams from a video,
author and producer from a PDF; the fields that matter flagged, the claim's
timeline checked on the claim page, a damaged file recorded as unreadable. The
task body is called in process; one test runs it through the real worker."""

import io
import time
from datetime import UTC, datetime, timedelta

import av
import pytest
from PIL import Image

from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png
from tests.worker import wait_for
from verification.evidence import metadata
from verification.evidence.writes import add_evidence_file
from verification.models import Claim, MediaMetadata
from verification.tasks import read_metadata


def add(user, claim, data: bytes, name: str):
    return add_evidence_file(user, claim.id, upload(data, name, "application/octet-stream"), title=name)


def photo(taken="2022:03:01 10:15:00", changed="2024:11:02 08:00:00", software="Adobe Photoshop 25.0") -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x0132] = "Canon", "EOS 5D", software, changed
    details = exif.get_ifd(0x8769)
    details[0x9003], details[0x9011] = taken, "+03:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 43.0, 48.0), "E", (36.0, 11.0, 24.0)
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 120, 60)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def by_name(row: MediaMetadata) -> dict[str, dict]:
    return {field["name"]: field for field in row.fields}


def test_it_reads_a_photos_camera_times_place_and_the_editor_that_touched_it(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), photo(), "camp.jpg")
    assert MediaMetadata.objects.get(stored_file=evidence.stored_file).status == "pending"

    assert read_metadata(evidence.stored_file_id) == "ready"

    row = MediaMetadata.objects.get(stored_file=evidence.stored_file)
    fields = by_name(row)
    assert (fields["Camera make"]["value"], fields["Camera model"]["value"]) == ("Canon", "EOS 5D")
    assert fields["GPS"]["value"] == "51.73, 36.19"  # 51°43′48″ N, 36°11′24″ E
    assert fields["GPS"]["flag"] == "a location is recorded in the file"
    assert "photoshop" in fields["Software"]["flag"].lower()
    assert fields["Changed after taken"]["flag"] == "changed after it was taken"
    assert row.created == datetime(2022, 3, 1, 7, 15, tzinfo=UTC)  # 10:15 at +03:00
    assert read_metadata(evidence.stored_file_id) is None  # read once per file


def test_it_says_a_photo_without_exif_was_stripped_or_never_had_any(alice, make_claim, media_root):
    evidence = add(alice, make_claim(), png(), "screenshot.png")
    read_metadata(evidence.stored_file_id)
    row = MediaMetadata.objects.get(stored_file=evidence.stored_file)
    assert row.status == "ready" and not row.flagged and row.created is None
    assert by_name(row)["EXIF"]["value"].startswith("none")


def test_it_reads_a_videos_container_creation_time_encoder_and_streams(alice, make_claim, media_root):
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        container.metadata["creation_time"] = "2022-02-24T05:00:00.000000Z"
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for _ in range(10):
            for packet in stream.encode(av.VideoFrame.from_image(Image.new("RGB", (160, 120), (0, 90, 0)))):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    evidence = add(alice, make_claim(), buffer.getvalue(), "clip.mp4")

    assert read_metadata(evidence.stored_file_id) == "ready"

    row = MediaMetadata.objects.get(stored_file=evidence.stored_file)
    fields = by_name(row)
    assert row.created == datetime(2022, 2, 24, 5, 0, tzinfo=UTC)
    assert fields["video 0"]["value"].startswith("h264, 160×120")
    assert "Lavf" in fields["encoder"]["value"] and "re-encoded" in fields["encoder"]["flag"]  # written by FFmpeg
    assert fields["Duration"]["value"].endswith(" s")


def test_it_reads_a_pdfs_author_producer_and_creation_date(alice, make_claim, media_root):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(
        buffer,
        "PDF",
        title="Briefing notes",
        author="Press office",
        creationDate=time.strptime("2024-11-04 09:30", "%Y-%m-%d %H:%M"),
    )
    evidence = add(alice, make_claim(), buffer.getvalue(), "notes.pdf")

    assert read_metadata(evidence.stored_file_id) == "ready"

    row = MediaMetadata.objects.get(stored_file=evidence.stored_file)
    fields = by_name(row)
    assert (fields["Title"]["value"], fields["Author"]["value"], fields["Pages"]["value"]) == (
        "Briefing notes",
        "Press office",
        "1",
    )
    assert row.created == datetime(2024, 11, 4, 9, 30, tzinfo=UTC)


def test_a_damaged_file_is_recorded_as_unreadable_and_nothing_else_is_lost(alice, make_claim, media_root):
    claim = make_claim()
    evidence = add(alice, claim, b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"garbage" * 20, "broken.png")
    assert evidence.stored_file.content_type == "image/png"  # sniffed by its signature, then found damaged
    assert read_metadata(evidence.stored_file_id) == "unreadable"
    row = MediaMetadata.objects.get(stored_file=evidence.stored_file)
    assert row.reason.startswith("Could not read") and row.fields == []
    assert claim.evidence.get().pk == evidence.pk


def test_the_claim_page_flags_footage_made_long_before_the_claim(client, alice, make_claim, media_root):
    claim = make_claim(text="Video filmed this week shows soldiers at a camp.")
    Claim.objects.filter(pk=claim.pk).update(first_made_at=datetime(2024, 10, 20, tzinfo=UTC))
    evidence = add(alice, claim, photo(software="Canon firmware 1.1"), "camp.jpg")
    read_metadata(evidence.stored_file_id)

    client.force_login(alice)
    html = client.get(f"/desk/claims/{claim.pk}/").content.decode()

    assert "What the file says" in html
    days = (datetime(2024, 10, 20, tzinfo=UTC) - datetime(2022, 3, 1, 7, 15, tzinfo=UTC)).days
    assert f"made {days} days before the claim was first made" in html
    assert "a location is recorded in the file" in html
    assert metadata.timeline_flag(datetime(2024, 10, 19, tzinfo=UTC), Claim.objects.get(pk=claim.pk)) == ""
    late = Claim.objects.get(pk=claim.pk).created_at + timedelta(days=3)
    assert "after the claim reached the desk" in metadata.timeline_flag(late, Claim.objects.get(pk=claim.pk))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_an_uploaded_photo(celery_worker, alice, make_claim):
    evidence = add(alice, make_claim(), photo(), "camp.jpg")  # the worker's media folder: no media_root
    row = wait_for(
        lambda: MediaMetadata.objects.filter(stored_file=evidence.stored_file, status="ready").first(),
        timeout=60,
        message=celery_worker.log_tail,
    )
    assert by_name(row)["Camera make"]["value"] == "Canon"
