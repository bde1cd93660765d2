"""What a stored image, video or PDF says about itself, read in a worker:
camera and lens, when it was taken or made, where (GPS), the software that last
wrote it, a video's container and streams, a PDF's author and producer.

The fields that matter for verification are flagged: a location in the file, a
time it was changed after it was taken, an editing tool or a re-encoder (FFmpeg's
"Lavf" in a video that claims to come straight from a phone). The claim page
adds the timeline flag, which needs the claim: a file made long before the claim
was first made (the recycled clip).

1. ``request(stored)`` runs in the transaction that stores or captures bytes
   (beside ``previews.request``): a pending row, the task after commit.
2. ``read(stored_file_id)`` in a worker: parse headers only, within
   CLAIMDESK_PREVIEW_MAX_BYTES, never decoding pixels; record the fields, or why not.

The bytes are untrusted: Pillow opens only the parsers previews allow and reads
the header; PyAV reads the container's header and stream parameters; PDFium opens
the document without forms or scripts. Values are cut to MAX_VALUE characters.
An image's or video's C2PA Content Credentials are read and validated by
verification.evidence.credentials (no network) and added as rows of their own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import av
import c2pa
import PIL
import pypdfium2 as pdfium
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image

from verification import enqueue
from verification.evidence import credentials, previews
from verification.models import Evidence, MediaMetadata, Snapshot, StoredFile

Status = MediaMetadata.Status
READER = f"Pillow {PIL.__version__}, PyAV {av.__version__}, pypdfium2, c2pa-python {c2pa.__version__}"
MAX_VALUE = 200
MAX_FIELDS = 60
# Software whose name in a file means it was edited or re-encoded after capture.
EDITING_TOOLS = re.compile(
    r"photoshop|lightroom|gimp|snapseed|picsart|capcut|premiere|final cut|davinci|after effects|imovie|"
    r"handbrake|lavf|lavc|ffmpeg|kdenlive|inshot|canva|paint\.net|affinity|pixelmator|vsco|facetune",
    re.IGNORECASE,
)
# EXIF tags read from the main directory, the Exif sub-directory and the GPS one.
_BASE = {0x010F: "Camera make", 0x0110: "Camera model", 0x0131: "Software", 0x0132: "Changed", 0x013B: "Artist"}
_EXIF = {0x9003: "Taken", 0x9004: "Digitised", 0x9011: "Time zone when taken", 0xA434: "Lens"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825


class Unreadable(Exception):
    """The file's metadata cannot be read; the message says why, for the page."""


def request(stored: StoredFile) -> None:
    """A pending row for bytes we can read, and the task after commit; once per file."""
    if previews.kind_of(stored.content_type) is None:
        return
    made = MediaMetadata.objects.bulk_create([MediaMetadata(stored_file=stored)], ignore_conflicts=True)
    if made and MediaMetadata.objects.filter(stored_file=stored, status=Status.PENDING).exists():
        enqueue.after_commit(enqueue.READ_METADATA, stored.pk)


def read(stored_file_id: int) -> str | None:
    """Read and record one file's metadata; the status recorded, or None when there
    was nothing to do (the file is gone, or it was read already)."""
    row = MediaMetadata.objects.filter(stored_file_id=stored_file_id).select_related("stored_file").first()
    if row is None or row.status != Status.PENDING:
        return None
    values = {"reader": READER, "read_at": timezone.now()}
    try:
        fields, created, content_credentials = extract(row.stored_file)
        values.update(
            status=Status.READY, fields=fields, created=created, reason="", content_credentials=content_credentials
        )
    except Unreadable as refusal:
        values.update(status=Status.UNREADABLE, reason=str(refusal))
    with transaction.atomic():
        MediaMetadata.objects.filter(pk=row.pk, status=Status.PENDING).update(**values)
    return values["status"]


def sweep(now=None) -> dict[str, int]:
    """With the preview sweep (CLAIMDESK_PREVIEW_SWEEP_SECONDS), at most SWEEP_BATCH of
    each: read the files stored before this existed, and re-send reads no worker finished."""
    now = now or timezone.now()
    readable = (
        Q(content_type__in=previews.IMAGE_TYPES)
        | Q(content_type="application/pdf")
        | Q(content_type__startswith="video/")
    )
    used = Exists(Evidence.objects.filter(stored_file=OuterRef("pk"))) | Exists(
        Snapshot.objects.filter(stored_file=OuterRef("pk"))
    )
    unread = StoredFile.objects.filter(
        readable, used, ~Exists(MediaMetadata.objects.filter(stored_file=OuterRef("pk")))
    )
    asked = 0
    for stored in unread.order_by("pk")[: previews.SWEEP_BATCH]:
        with transaction.atomic():
            request(stored)
        asked += 1
    grace = now - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    again = list(
        MediaMetadata.objects.filter(status=Status.PENDING, requested_at__lt=grace)
        .order_by("requested_at")
        .values_list("stored_file_id", flat=True)[: previews.SWEEP_BATCH]
    )  # metadata_pending_idx
    for stored_file_id in again:
        enqueue.send(enqueue.READ_METADATA, stored_file_id, expires=settings.PREVIEW_SWEEP_SECONDS)
    return {"asked": asked, "resent": len(again)}


def extract(stored: StoredFile) -> tuple[list[dict], datetime | None, dict]:
    """(fields, the time the file says it was made, its Content Credentials) or Unreadable.
    At most MAX_FIELDS of the file's own fields, then the Content Credentials' rows."""
    kind = previews.kind_of(stored.content_type)
    if kind is None:
        raise Unreadable(
            gettext("Only images, videos and PDFs are read; this file is %(value)s.")
            % {"value": stored.content_type or "unknown"}
        )
    if kind != "video" and stored.size > settings.PREVIEW_MAX_BYTES:
        raise Unreadable(
            gettext("The file is over the limit of %(settings_preview_max_bytes)s bytes read for metadata.")
            % {"settings_preview_max_bytes": settings.PREVIEW_MAX_BYTES}
        )
    try:
        handle = stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Unreadable(gettext("The stored file is missing from storage.")) from None
    with handle:
        try:
            fields, created = {"image": _image, "pdf": _pdf, "video": _video}[kind](handle)
        except Unreadable:
            raise
        except (OSError, ValueError, SyntaxError, av.error.FFmpegError, pdfium.PdfiumError) as exc:
            raise Unreadable(
                gettext("Could not read the file's metadata: it looks damaged (%(name)s).")
                % {"name": type(exc).__name__}
            ) from None
        rows, record = _credentials(handle, stored, kind)
    return fields[:MAX_FIELDS] + rows, created, record


def _credentials(handle, stored: StoredFile, kind: str) -> tuple[list[dict], dict]:
    """Content Credentials of an image or video (not PDFs: issue 19 asks for media).
    Validating them hashes the whole file, so only within CLAIMDESK_PREVIEW_MAX_BYTES."""
    if kind == "pdf":
        return [], {}
    if stored.size > settings.PREVIEW_MAX_BYTES:
        summary = gettext("not checked: the file is over the limit of %(limit)s bytes read for them") % {
            "limit": settings.PREVIEW_MAX_BYTES
        }
        return [_field(credentials.GROUP, "Status", summary)], {"status": "skipped", "summary": summary}
    handle.seek(0)
    _summary, rows, record = credentials.read(handle, stored.content_type)
    return rows, record


def _field(group: str, name: str, value, flag: str = "") -> dict:
    text = " ".join(str(value).replace("\x00", "").split())[:MAX_VALUE]
    return {"group": group, "name": name, "value": text, "flag": flag}


def _software_flag(value: str) -> str:
    found = EDITING_TOOLS.search(value or "")
    return f"written by {found.group(0)}: edited or re-encoded after it was made" if found else ""


def _image(handle) -> tuple[list[dict], datetime | None]:
    image = Image.open(handle, formats=previews.IMAGE_FORMATS)  # the header only: no pixels are decoded
    fields = [_field("File", "Format", image.format), _field("File", "Size", f"{image.width}×{image.height} pixels")]
    exif = image.getexif()
    for tag, name in _BASE.items():
        if exif.get(tag):
            flag = _software_flag(str(exif[tag])) if name == "Software" else ""
            fields.append(_field("Camera", name, exif[tag], flag))
    details = exif.get_ifd(_EXIF_IFD)
    for tag, name in _EXIF.items():
        if details.get(tag):
            fields.append(_field("Camera", name, details[tag]))
    taken, changed = details.get(0x9003), exif.get(0x0132)
    if taken and changed and str(taken) != str(changed):
        fields.append(
            _field("Camera", "Changed after taken", f"taken {taken}, changed {changed}", "changed after it was taken")
        )
    place = _gps(exif.get_ifd(_GPS_IFD))
    if place:
        fields.append(_field("Place", "GPS", place, "a location is recorded in the file"))
    if not exif:
        fields.append(_field("Camera", "EXIF", "none (stripped, or never written: platforms remove it on upload)"))
    return fields, _exif_time(taken, details.get(0x9011))


def _gps(gps) -> str:
    def degrees(value, ref) -> float:
        d, m, s = (float(part) for part in value)
        return round((d + m / 60 + s / 3600) * (-1 if ref in ("S", "W") else 1), 6)

    try:
        return f"{degrees(gps[2], gps.get(1))}, {degrees(gps[4], gps.get(3))}"
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""


def _exif_time(taken, offset) -> datetime | None:
    try:
        moment = datetime.strptime(str(taken).strip(), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    zone = (
        datetime.strptime(str(offset), "%z").tzinfo if offset and re.fullmatch(r"[+-]\d\d:\d\d", str(offset)) else UTC
    )
    return moment.replace(tzinfo=zone)  # no zone in the file: read as UTC, within a day of the truth


def _video(handle) -> tuple[list[dict], datetime | None]:
    with av.open(handle, mode="r") as container:
        tags = {k.lower(): v for k, v in (container.metadata or {}).items()}
        seconds = container.duration / 1_000_000 if container.duration else None
        fields = [_field("Container", "Format", container.format.long_name or container.format.name)]
        if seconds is not None:
            fields.append(_field("Container", "Duration", f"{seconds:.1f} s"))
        for key in ("creation_time", "encoder", "major_brand", "com.apple.quicktime.make", "com.apple.quicktime.model"):
            if tags.get(key):
                flag = _software_flag(tags[key]) if key == "encoder" else ""
                fields.append(
                    _field("Container", key.replace("com.apple.quicktime.", "").replace("_", " "), tags[key], flag)
                )
        location = tags.get("location") or tags.get("com.apple.quicktime.location.iso6709")
        if location:
            fields.append(_field("Place", "GPS", location, "a location is recorded in the file"))
        for stream in list(container.streams)[:4]:
            fields.append(_field("Streams", f"{stream.type} {stream.index}", _describe(stream)))
            rotate = (stream.metadata or {}).get("rotate")
            if rotate:
                fields.append(_field("Streams", "Rotation", f"{rotate}°"))
        return fields, _iso_time(tags.get("creation_time"))


def _describe(stream) -> str:
    context = stream.codec_context
    parts = [context.name if context else "unknown codec"]
    if stream.type == "video" and context:
        parts.append(f"{context.width}×{context.height}")
        if stream.average_rate:
            parts.append(f"{float(stream.average_rate):.2f} fps")
    if stream.bit_rate:
        parts.append(f"{stream.bit_rate // 1000} kb/s")
    return ", ".join(parts)


def _iso_time(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pdf(handle) -> tuple[list[dict], datetime | None]:
    data = handle.read(settings.PREVIEW_MAX_BYTES + 1)
    with previews.PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            info = document.get_metadata_dict(skip_empty=True)
            pages = len(document)
        finally:
            document.close()
    fields = [_field("Document", "Pages", pages)]
    for key in ("Title", "Author", "Creator", "Producer", "CreationDate", "ModDate"):
        if info.get(key):
            flag = _software_flag(info[key]) if key in ("Creator", "Producer") else ""
            fields.append(_field("Document", key, info[key], flag))
    return fields, _pdf_time(info.get("CreationDate"))


def _pdf_time(value) -> datetime | None:
    found = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)?(\d\d)?(\d\d)?", value or "")
    if not found:
        return None
    parts = [int(p) if p else 0 for p in found.groups()]
    try:
        return datetime(*parts[:3], parts[3], parts[4], parts[5], tzinfo=UTC)
    except ValueError:
        return None


# --- Reading it back -------------------------------------------------------------------


def for_items(items, claim) -> dict[int, MediaMetadata]:
    """Evidence id → the metadata of its file (an upload's, else its latest
    snapshot's), with a timeline flag when the file's own time is far from the
    claim's, and ``checks``, the flags to look at: one query (snapshots prefetched)."""
    files = {}
    for item in items:
        snapshots = [s for s in item.snapshots.all() if s.stored_file_id]
        stored_id = item.stored_file_id or (snapshots[-1].stored_file_id if snapshots else None)
        if stored_id:
            files[item.pk] = stored_id
    if not files:
        return {}
    rows = {row.stored_file_id: row for row in MediaMetadata.objects.filter(stored_file_id__in=set(files.values()))}
    found = {}
    for item_id, stored_id in files.items():
        row = rows.get(stored_id)
        if row is not None:
            timeline = timeline_flag(row.created, claim)
            row.checks = ([timeline] if timeline else []) + [f"{f['name']}: {f['flag']}" for f in row.flagged]
            found[item_id] = row
    return found


def timeline_flag(created: datetime | None, claim) -> str:
    """Why the file's own time does not fit the claim: made long before the claim
    was first made (CLAIMDESK_METADATA_OLDER_DAYS), or after it reached the desk."""
    if created is None:
        return ""
    first = claim.first_made_at or claim.created_at
    days = (first - created).days
    if days > settings.METADATA_OLDER_DAYS:
        return f"made {days} days before the claim was first made: footage older than the event?"
    if created > claim.created_at + timedelta(days=1):
        return "dated after the claim reached the desk: the file's clock, or a later copy"
    return ""
