"""Previews: pictures we make from stored evidence files, so reviewers (and, once
a claim is published, readers) can see an image, a PDF's first page or a frame
of a video without downloading it.

A preview is derived data (a `Preview` row keyed by the `StoredFile`, its two
pictures in the same storage as the evidence bytes): remade at will, never
evidence itself, so it is not in the custody log. How one comes to be:

1. `request(stored)` runs in the transaction that stores or captures the bytes
   (verification.evidence.writes, verification.evidence.capture): a pending row,
   and the `make_preview` task after commit; a type we never preview gets its
   "no preview" row at once, with no task.
2. `make(stored_file_id)`, in a worker: claim the attempt, decode within limits,
   write a large picture and a thumbnail, record them, or record why not.
3. `sweep()`, on the beat: ask for the previews of stored files that have none
   (bytes stored before previews existed), and re-send those no worker finished.

The bytes are untrusted. Pillow may use only the parsers in `IMAGE_FORMATS`, and
the pixel count is read from the header and checked before anything is decoded
(CLAIMDESK_PREVIEW_MAX_PIXELS, the decompression-bomb bound); PDFs are rendered
without forms or scripts; a video is read only up to the frame we show. Our
pictures carry pixels only (no EXIF, GPS, ICC or XMP) and are always WebP (PNG
where Pillow lacks WebP). A file that cannot be previewed records why: damaged,
unsupported or over a limit is an answer, never an error or a retry, and an
attempt that kills its worker is tried `MAX_ATTEMPTS` times in all.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import av
import PIL
import pypdfium2 as pdfium
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps, ImageStat, features

from verification import enqueue
from verification.evidence import perceptual
from verification.models import Evidence, Preview, Snapshot, StoredFile

log = logging.getLogger(__name__)

Status = Preview.Status
COVER = Preview.Kind.COVER

# The only parsers of Pillow's forty that ever see an upload: fewer parsers, fewer holes.
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")  # JPEG covers MPO, phones' multi-picture JPEG
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/x-ms-bmp", "image/tiff"}
)
MAX_ATTEMPTS = 3  # a worker killed this often on the same bytes: the bytes' fault, not the worker's
DARK = 24  # mean luma (0-255) under which a video frame counts as black
VIDEO_FRAMES = 300  # the most frames decoded looking for the one to show
SWEEP_BATCH = 500
WEBP = features.check("webp")

# PDFium is not thread-safe, and the worker runs tasks in threads (Procfile); metadata.py shares it.
_PDFIUM = PDFIUM_LOCK = threading.Lock()


class Unpreviewable(Exception):
    """These bytes get no preview; the message says why, in words for the page."""


@dataclass
class Picture:
    image: Image.Image  # already within PREVIEW_MAX_EDGE, upright, RGB or RGBA
    generator: str
    frame_seconds: float | None = None


# --- Asking for previews --------------------------------------------------------------


def kind_of(content_type: str) -> str | None:
    """Which renderer reads this sniffed type: "image", "pdf", "video", or None."""
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type == "application/pdf":
        return "pdf"
    if content_type.startswith("video/"):
        return "video"
    return None


def unsupported(content_type: str) -> str:
    if content_type == "image/svg+xml":
        return "SVG drawings are not previewed (they can carry scripts); download the file to see it."
    return f"Only images, PDFs and videos are previewed; this file is {content_type or 'of an unknown type'}."


def _ensure(stored: StoredFile) -> None:
    """The cover row of these bytes, made if missing; a type we never preview is
    recorded as such at once. Two uploads of the same bytes may race here: the
    unique constraint keeps one row, and neither transaction fails."""
    previewable = kind_of(stored.content_type) is not None
    row = Preview(
        stored_file=stored,
        kind=COVER,
        status=Status.PENDING if previewable else Status.UNAVAILABLE,
        reason="" if previewable else unsupported(stored.content_type),
        finished_at=None if previewable else timezone.now(),
    )
    Preview.objects.bulk_create([row], ignore_conflicts=True)


def request(stored: StoredFile) -> None:
    """Ask for the cover of `stored`, in the transaction that stored or captured
    it: the task is sent after commit. Bytes already previewed (a second upload
    of the same file) cost nothing."""
    status = Preview.objects.filter(stored_file=stored, kind=COVER).values_list("status", flat=True).first()
    if status in (Status.READY, Status.UNAVAILABLE):
        return
    if status is None:
        _ensure(stored)
        if kind_of(stored.content_type) is None:
            return
    enqueue.after_commit(enqueue.MAKE_PREVIEW, stored.pk)


# --- Making one -------------------------------------------------------------------------


def make(stored_file_id: int) -> str | None:
    """Make the cover of one stored file; the status recorded, or None when there
    was nothing to do (the file is gone, the preview is made or recorded as
    unavailable, or another attempt is still within its time).

    1. Claim the attempt (`_claim`).
    2. Decode within the limits (`render`), outside any transaction. An
       `Unpreviewable`, or any error of a decoder reading untrusted bytes,
       becomes the recorded reason: never a retry.
    3. Hash the picture of an image or a video (PDQ, verification.evidence.perceptual).
    4. Write both pictures to storage, then record them and the hashes if the
       row still waits. A file that could not be read records why for both.
    """
    preview = _claim(stored_file_id)
    if preview is None:
        return None
    try:
        picture = render(preview.stored_file)
    except Unpreviewable as exc:
        return _give_up(preview.pk, str(exc), preview.stored_file)
    except Exception as exc:  # whatever a decoder says of hostile bytes is an answer, not a crash
        log.warning("No preview of stored file %s: %s", stored_file_id, exc, exc_info=True)
        reason = f"The file could not be read; it may be damaged ({type(exc).__name__}: {exc})."
        return _give_up(preview.pk, reason, preview.stored_file)
    hashes = perceptual.hash_rows(stored_file_id, [picture]) if _hashed(preview.stored_file) else []
    return _store(preview, picture, hashes)


def _hashed(stored: StoredFile) -> bool:
    return kind_of(stored.content_type) in perceptual.HASHED_KINDS


def _claim(stored_file_id: int) -> Preview | None:
    """Take the next attempt with a conditional update, so a duplicate task (or
    two workers) never decode the same bytes at once. An attempt started more
    than PREVIEW_MAX_SECONDS ago died with its worker; after MAX_ATTEMPTS of
    those the bytes are recorded as unpreviewable."""
    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:
        return None
    preview = Preview.objects.filter(stored_file=stored, kind=COVER).first()
    if preview is None:  # a task sent by hand for bytes with no row yet
        _ensure(stored)
        preview = Preview.objects.get(stored_file=stored, kind=COVER)
    now = timezone.now()
    if preview.status != Status.PENDING:
        return None
    if preview.started_at and preview.started_at > now - timedelta(seconds=settings.PREVIEW_MAX_SECONDS):
        return None
    if preview.attempts >= MAX_ATTEMPTS:
        _give_up(
            preview.pk,
            f"Making the preview stopped its worker {preview.attempts} times (too big or too slow to decode); "
            "download the file to see it.",
            stored,
        )
        return None
    claimed = Preview.objects.filter(pk=preview.pk, status=Status.PENDING, attempts=preview.attempts).update(
        attempts=F("attempts") + 1, started_at=now
    )
    if claimed != 1:
        return None
    preview.attempts, preview.started_at, preview.stored_file = preview.attempts + 1, now, stored
    return preview


def _give_up(preview_id: int, reason: str, stored: StoredFile | None = None) -> str | None:
    """Record that these bytes have no preview, and (an image or a video) no hash, saying why."""
    with transaction.atomic():
        done = Preview.objects.filter(pk=preview_id, status=Status.PENDING).update(
            status=Status.UNAVAILABLE, reason=reason[:1000], finished_at=timezone.now()
        )
        if done and stored is not None and _hashed(stored):
            perceptual.save([perceptual.unreadable_row(stored.pk, reason)])
    log.info("No preview %s: %s", preview_id, reason)
    return Status.UNAVAILABLE if done else None


def encode_picture(image: Image.Image) -> tuple[bytes, str, str]:
    """Our picture as (bytes, content type, extension): pixels only."""
    image.info = {}  # PNG would otherwise copy an ICC profile or text chunks across
    buffer = io.BytesIO()
    if WEBP:
        image.save(buffer, "WEBP", quality=82, method=4)
        return buffer.getvalue(), "image/webp", "webp"
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), "image/png", "png"


def _store(preview: Preview, picture: Picture, hashes: list) -> str | None:
    large = picture.image
    small = large.copy()
    small.thumbnail((settings.PREVIEW_THUMBNAIL_EDGE,) * 2, Image.Resampling.LANCZOS)
    large_bytes, content_type, extension = encode_picture(large)
    small_bytes, _, _ = encode_picture(small)
    name = f"{preview.stored_file.sha256}-{preview.kind}"
    preview.image.save(f"{name}.{extension}", ContentFile(large_bytes), save=False)
    preview.thumbnail.save(f"{name}-small.{extension}", ContentFile(small_bytes), save=False)
    with transaction.atomic():
        done = Preview.objects.filter(pk=preview.pk, status=Status.PENDING).update(
            status=Status.READY,
            reason="",
            image=preview.image.name,
            thumbnail=preview.thumbnail.name,
            content_type=content_type,
            width=large.width,
            height=large.height,
            thumbnail_width=small.width,
            thumbnail_height=small.height,
            frame_seconds=picture.frame_seconds,
            generator=picture.generator[:100],
            finished_at=timezone.now(),
        )
        if done:
            perceptual.save(hashes)
    if not done:  # another attempt finished first: keep theirs
        preview.image.delete(save=False)
        preview.thumbnail.delete(save=False)
        return None
    return Status.READY


# --- Decoding -------------------------------------------------------------------------------


def render(stored: StoredFile) -> Picture:
    """The picture that stands for `stored`, or Unpreviewable saying why not."""
    kind = kind_of(stored.content_type)
    if kind is None:
        raise Unpreviewable(unsupported(stored.content_type))
    if kind != "video" and stored.size > settings.PREVIEW_MAX_BYTES:
        raise Unpreviewable(
            gettext(
                "The file is too big to preview (%(stored_size)s bytes; the limit is "
                "%(settings_preview_max_bytes)s, CLAIMDESK_PREVIEW_MAX_BYTES); download it to see it."
            )
            % {"stored_size": stored.size, "settings_preview_max_bytes": settings.PREVIEW_MAX_BYTES}
        )
    try:
        handle = stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Unpreviewable(
            gettext("The stored file is missing from storage; the integrity check will flag it.")
        ) from None
    with handle:
        return {"image": _image, "pdf": _pdf, "video": _video}[kind](handle)


def _check_pixels(width: int, height: int) -> None:
    if width * height > settings.PREVIEW_MAX_PIXELS:
        raise Unpreviewable(
            gettext(
                "The picture is too large to preview: %(width)s×%(height)s pixels is over the limit of "
                "%(settings_preview_max_pixels)s (CLAIMDESK_PREVIEW_MAX_PIXELS); download the file to see "
                "it."
            )
            % {"width": width, "height": height, "settings_preview_max_pixels": settings.PREVIEW_MAX_PIXELS}
        )


def _image(handle) -> Picture:
    """1. Read the header only and check the pixel count. 2. Let JPEG decode at a
    fraction of its size (`draft`), then shrink. 3. Turn it upright as its EXIF
    orientation says. 4. Bring it to sRGB in RGB or RGBA."""
    try:
        image = Image.open(handle, formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:  # Pillow's own bound, far above ours: the header claims billions
        raise Unpreviewable(
            gettext(
                "The picture is too large to preview: it claims more than %(settings_preview_max_pixels)s "
                "pixels (CLAIMDESK_PREVIEW_MAX_PIXELS); download the file to see it."
            )
            % {"settings_preview_max_pixels": settings.PREVIEW_MAX_PIXELS}
        ) from None
    _check_pixels(*image.size)
    edge = settings.PREVIEW_MAX_EDGE
    image.draft("RGB", (edge, edge))
    if image.mode in ("P", "1"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")  # palettes resize badly
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=3.0)
    ImageOps.exif_transpose(image, in_place=True)
    return Picture(image=_displayable(image), generator=f"Pillow {PIL.__version__}")


def _displayable(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if transparent else "RGB")
    if icc:
        try:  # a wide-gamut photo keeps its colours once the profile is dropped
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    return image


def _pdf(handle) -> Picture:
    """The first page, rendered to fit PREVIEW_MAX_EDGE. Forms are never
    initialised, so no script in the PDF runs."""
    data = handle.read(settings.PREVIEW_MAX_BYTES + 1)
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            if len(document) == 0:
                raise Unpreviewable(gettext("The PDF has no pages."))
            page = document[0]
            width, height = page.get_size()
            if not (width > 0 and height > 0):
                raise Unpreviewable(gettext("The PDF's first page has no size."))
            scale = min(settings.PREVIEW_MAX_EDGE / max(width, height), 4.0)
            bitmap = page.render(scale=scale, may_draw_forms=False, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory goes with the document
        finally:
            document.close()
    return Picture(image=image, generator=f"pypdfium2 {pdfium.version.PYPDFIUM_INFO}")


def _video(handle) -> Picture:
    """A frame a little way in (a tenth of the way, at most 5 s), not a black one
    if a brighter one comes within a few seconds, turned as the video is shown."""
    with av.open(handle, mode="r") as container:
        if not container.streams.video:
            raise Unpreviewable(gettext("The file has no video stream."))
        stream = container.streams.video[0]
        _check_pixels(stream.codec_context.width, stream.codec_context.height)
        target = _target_seconds(container, stream)
        if target > 0:
            try:
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            except (av.error.FFmpegError, ZeroDivisionError, TypeError):
                container.seek(0)
        image, at = _pick_frame(container, stream, target)
    return Picture(image=image, generator=f"PyAV {av.__version__}", frame_seconds=at)


def _target_seconds(container, stream) -> float:
    if stream.duration and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    elif container.duration:
        duration = container.duration / av.time_base
    else:
        return 0.0
    return max(0.0, min(duration / 10, 5.0))


def _pick_frame(container, stream, target: float) -> tuple[Image.Image, float | None]:
    """Decode from the keyframe before `target`; the first frame at or after it,
    or, if that one is black, the brightest of a few checked a second apart."""
    deadline = time.monotonic() + settings.PREVIEW_MAX_SECONDS / 2
    best, best_luma, next_check = None, -1.0, target
    for decoded, frame in enumerate(container.decode(stream), start=1):
        at = frame.time
        out_of_budget = decoded >= VIDEO_FRAMES or time.monotonic() > deadline
        if at is not None and at < next_check and not out_of_budget:
            continue
        image = frame.to_image()
        image.thumbnail((settings.PREVIEW_MAX_EDGE,) * 2, Image.Resampling.LANCZOS)
        if frame.rotation:
            image = image.rotate(frame.rotation, expand=True)  # both counterclockwise
        luma = ImageStat.Stat(image.convert("L")).mean[0]
        if luma > best_luma:
            best, best_luma = (image, at), luma
        if luma >= DARK or out_of_budget:
            break
        next_check = (at or next_check) + 1.0
    if best is None:
        raise Unpreviewable(gettext("No frame of the video could be decoded; it may be damaged."))
    return best


# --- Reading -----------------------------------------------------------------------------


def covers(items: list[Evidence]) -> dict[int, Preview]:
    """The cover of each item (by `Evidence.sha256`: its upload's bytes, else its
    latest capture's), in one query; items without one are left out."""
    hashes = {item.sha256 for item in items if item.sha256}
    if not hashes:
        return {}
    rows = Preview.objects.filter(kind=COVER, stored_file__sha256__in=hashes).annotate(sha=F("stored_file__sha256"))
    by_hash = {row.sha: row for row in rows}
    return {item.pk: by_hash[item.sha256] for item in items if item.sha256 in by_hash}


def cover(evidence: Evidence) -> Preview | None:
    return covers([evidence]).get(evidence.pk)


# --- The sweep and the command --------------------------------------------------------


def missing() -> Q:
    """Stored files that evidence uses, uploaded or captured, with no cover row."""
    used = Exists(Evidence.objects.filter(stored_file=OuterRef("pk"))) | Exists(
        Snapshot.objects.filter(stored_file=OuterRef("pk"))
    )
    return used & ~Exists(Preview.objects.filter(stored_file=OuterRef("pk"), kind=COVER))


def stalled(now: datetime) -> Q:
    """Pending covers no worker is on: never started after the grace, or started
    longer ago than an attempt may take."""
    grace = now - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    limit = now - timedelta(seconds=settings.PREVIEW_MAX_SECONDS)
    return Q(status=Status.PENDING) & (Q(started_at__isnull=True, created_at__lt=grace) | Q(started_at__lt=limit))


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The beat's pass (CLAIMDESK_PREVIEW_SWEEP_SECONDS), at most SWEEP_BATCH of each:
    ask for the covers of stored files that have none, and re-send the tasks of
    pending covers no worker finished (each expiring with the next pass)."""
    now = now or timezone.now()
    asked = 0
    for stored in StoredFile.objects.filter(missing()).order_by("pk")[:SWEEP_BATCH]:
        with transaction.atomic():
            request(stored)
        asked += 1
    again = list(
        Preview.objects.filter(stalled(now))
        .order_by("created_at")
        .values_list("stored_file_id", flat=True)[:SWEEP_BATCH]
    )  # preview_pending_idx
    for stored_file_id in again:
        enqueue.send(enqueue.MAKE_PREVIEW, stored_file_id, expires=settings.PREVIEW_SWEEP_SECONDS)
    if asked or again:
        log.info("Preview sweep: asked for %d, re-sent %d", asked, len(again))
    return {"asked": asked, "resent": len(again)}


def to_do(retry_unavailable: bool = False) -> list[int]:
    """Stored file ids the command works through: those with no cover, those
    still pending, and (when asked, say after raising a limit) those recorded
    as unavailable, which go back to pending with their attempts reset."""
    if retry_unavailable:
        Preview.objects.filter(kind=COVER, status=Status.UNAVAILABLE).update(
            status=Status.PENDING, reason="", attempts=0, started_at=None, finished_at=None
        )
    pending = Exists(Preview.objects.filter(stored_file=OuterRef("pk"), kind=COVER, status=Status.PENDING))
    return list(StoredFile.objects.filter(missing() | pending).order_by("pk").values_list("pk", flat=True))
