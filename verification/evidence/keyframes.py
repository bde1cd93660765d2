"""Keyframes of stored videos: a frame at every scene change and one every
CLAIMDESK_KEYFRAME_INTERVAL_SECONDS, each with its time, so a reviewer sees what
a video shows without playing it, finds a frame seen before anywhere on the
desk (each keyframe gets a PDQ hash in the "seen before" index), and can attach
one frame as evidence of its own.

Derived data keyed by the StoredFile, like a preview (a `KeyframeSet` row and
its `Keyframe` rows; the pictures in the evidence storage, pixels only):

1. `request(stored)` runs in the transaction that stores or captures a video
   (verification.evidence.writes, verification.evidence.capture): a pending
   set, and the `extract_keyframes` task after commit.
2. `extract(stored_file_id)`, in a worker: claim the attempt, decode the video
   once from the start, and store each keyframe as it is found (the panel shows
   "Keyframes: 12 so far" while it runs); record how it ended.
3. `sweep()`, with the preview sweep: ask for videos stored before this existed,
   and re-send extractions no worker finished.

The bytes are untrusted and the container's word is not taken: decoding is
bounded by the frames' own times (CLAIMDESK_KEYFRAMES_MAX_VIDEO_SECONDS), a
frame count (MAX_FRAME_RATE per second of that), wall time
(CLAIMDESK_KEYFRAMES_MAX_SECONDS), the number kept (CLAIMDESK_KEYFRAMES_MAX) and
the frame size (CLAIMDESK_PREVIEW_MAX_PIXELS); one decoder thread, one frame at a
time, each keyframe written out as found. A damaged or truncated video, one
whose container lies about its length, or one too long to read whole ends with
a status that says so, and keeps the keyframes found before it stopped.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

import av
import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image

from verification import enqueue
from verification.evidence import perceptual, previews
from verification.models import Evidence, Keyframe, KeyframeSet, MediaHash, Snapshot, StoredFile

log = logging.getLogger(__name__)

Status = KeyframeSet.Status
Why = Keyframe.Why
MAX_ATTEMPTS = 3  # a worker killed this often on the same video: the video's fault
THUMBNAIL_EDGE = 160  # the strip's pictures
SCENE_CHANGE = 30.0  # mean luma difference (0-255) between two frames, shrunk to SCENE_SIZE, that is a cut
SCENE_SIZE = (64, 36)  # frames compared at this size: a cut changes it, noise and small motion do not
MIN_SCENE_GAP = 0.5  # seconds: a strobe or a flash-lit scene does not fill the strip
MAX_FRAME_RATE = 240  # frames a second of video decoded at most: bounds a stream whose timestamps stand still
HASH_ORDINAL = 1  # MediaHash.ordinal of keyframe 0; 0 is the preview's own picture


class Unreadable(Exception):
    """No keyframe can be read from these bytes; the message says why, for the page."""


class Superseded(Exception):
    """Another attempt took over this extraction (this one was taken for dead)."""


# --- Asking --------------------------------------------------------------------------


def is_video(stored: StoredFile) -> bool:
    return previews.kind_of(stored.content_type) == "video"


def request(stored: StoredFile) -> None:
    """A pending set for a video's bytes, and the task after commit; once per file."""
    if not is_video(stored):
        return
    KeyframeSet.objects.bulk_create([KeyframeSet(stored_file=stored)], ignore_conflicts=True)  # two uploads may race
    if KeyframeSet.objects.filter(stored_file=stored, status=Status.PENDING, attempts=0).exists():
        enqueue.after_commit(enqueue.EXTRACT_KEYFRAMES, stored.pk)


# --- Extracting ----------------------------------------------------------------------


def extract(stored_file_id: int) -> str | None:
    """Extract one video's keyframes; the status recorded, or None when there was
    nothing to do (the file is gone, the set is finished, or another attempt is
    still within its time).

    1. Claim the attempt (`_claim`) and drop what a dead attempt left (`_clear`).
    2. Decode from the start, keeping and storing keyframes as found (`_walk`).
    3. Record how it ended: done, stopped at a limit, or could not read.
    """
    keyframe_set = _claim(stored_file_id)
    if keyframe_set is None:
        return None
    _clear(keyframe_set)
    walk = Walk(keyframe_set)
    try:
        _walk(walk)
    except Superseded:
        return None
    except Unreadable as exc:
        walk.stop(str(exc))
    except av.error.FFmpegError as exc:  # its str() names our storage path: the page gets FFmpeg's words only
        walk.stop(f"{exc.strerror or type(exc).__name__} (it may be truncated or damaged)")
    except Exception as exc:  # whatever a decoder says of hostile bytes is an answer, not a crash
        log.warning("Keyframes of stored file %s: %s", stored_file_id, exc, exc_info=True)
        walk.stop(f"{type(exc).__name__}: {exc}")
    return _finish(walk)


def _claim(stored_file_id: int) -> KeyframeSet | None:
    """Take the next attempt with a conditional update, so two workers never
    decode the same video at once. An attempt started more than twice
    KEYFRAMES_MAX_SECONDS ago died with its worker; after MAX_ATTEMPTS the
    video is recorded as unreadable."""
    row = KeyframeSet.objects.filter(stored_file_id=stored_file_id).select_related("stored_file").first()
    if row is None or row.status != Status.PENDING:
        return None
    now = timezone.now()
    if row.started_at and row.started_at > now - timedelta(seconds=2 * settings.KEYFRAMES_MAX_SECONDS):
        return None
    if row.attempts >= MAX_ATTEMPTS:
        KeyframeSet.objects.filter(pk=row.pk, status=Status.PENDING).update(
            status=Status.UNREADABLE,
            reason=f"Could not read: extracting keyframes stopped its worker {row.attempts} times.",
            finished_at=now,
        )
        return None
    claimed = KeyframeSet.objects.filter(pk=row.pk, status=Status.PENDING, attempts=row.attempts).update(
        attempts=F("attempts") + 1, started_at=now
    )
    if claimed != 1:
        return None
    row.attempts, row.started_at = row.attempts + 1, now
    return row


def _clear(keyframe_set: KeyframeSet) -> None:
    """What an earlier attempt stored before its worker died: its pictures, rows and hashes."""
    for old in keyframe_set.keyframes.all():
        old.image.delete(save=False)
        old.thumbnail.delete(save=False)
    with transaction.atomic():
        keyframe_set.keyframes.all().delete()
        MediaHash.objects.filter(stored_file_id=keyframe_set.stored_file_id, ordinal__gte=HASH_ORDINAL).delete()
        KeyframeSet.objects.filter(pk=keyframe_set.pk).update(found=0, read_seconds=None, reason="")


@dataclass
class Walk:
    """One attempt's progress through a video."""

    keyframe_set: KeyframeSet
    found: int = 0
    read_seconds: float | None = None
    declared_seconds: float | None = None
    stopped: str = ""  # why decoding stopped before the end, in words; empty if it reached the end
    limited: bool = False  # stopped by one of our limits rather than by the bytes
    started: float = field(default_factory=time.monotonic)
    decoded: int = 0
    previous: np.ndarray | None = None  # the last frame, shrunk to SCENE_SIZE in grey, to see a cut
    last_kept: float | None = None  # when the last keyframe kept is

    def stop(self, reason: str, limited: bool = False) -> None:
        self.stopped, self.limited = reason, limited


def _open(stored: StoredFile):
    try:
        return stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Unreadable(gettext("the stored file is missing from storage; the integrity check will flag it")) from None


def _walk(walk: Walk) -> None:
    """Decode the video once, from its first frame: the first frame, every cut,
    and a frame every KEYFRAME_INTERVAL_SECONDS are kept, until the end or a limit."""
    stored = walk.keyframe_set.stored_file
    with _open(stored) as handle:
        with av.open(handle, mode="r") as container:
            if not container.streams.video:
                raise Unreadable(gettext("the file has no video stream"))
            stream = container.streams.video[0]
            stream.thread_type = "SLICE"  # one frame in flight: frame threads would each hold one
            stream.codec_context.thread_count = 1
            width, height = stream.codec_context.width, stream.codec_context.height
            if width * height > settings.PREVIEW_MAX_PIXELS:
                raise Unreadable(
                    gettext(
                        "its frames are %(width)s×%(height)s pixels, over the limit of "
                        "%(settings_preview_max_pixels)s (CLAIMDESK_PREVIEW_MAX_PIXELS)"
                    )
                    % {"width": width, "height": height, "settings_preview_max_pixels": settings.PREVIEW_MAX_PIXELS}
                )
            walk.declared_seconds = declared_seconds(container, stream)
            KeyframeSet.objects.filter(pk=walk.keyframe_set.pk).update(
                declared_seconds=walk.declared_seconds, generator=f"PyAV {av.__version__}"
            )
            _scan(walk, container, stream)


def declared_seconds(container, stream) -> float | None:
    """The duration the container claims: a claim, never a bound."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _scan(walk: Walk, container, stream) -> None:
    """Packet by packet, so the wall-time bound holds even while packets decode to
    no frame at all; each frame is then weighed by `_visit`."""
    deadline = walk.started + settings.KEYFRAMES_MAX_SECONDS
    for packet in container.demux(stream):
        if time.monotonic() > deadline:
            walk.stop(f"the time allowed (CLAIMDESK_KEYFRAMES_MAX_SECONDS = {settings.KEYFRAMES_MAX_SECONDS})", True)
            return
        for frame in packet.decode():
            if not _visit(walk, frame):
                return


def _visit(walk: Walk, frame) -> bool:
    """Keep `frame` if it is the first, a cut, or due by the interval; False to stop decoding."""
    walk.decoded += 1
    at = max(0.0, frame.time if frame.time is not None else (walk.read_seconds or 0.0))
    limit = settings.KEYFRAMES_MAX_VIDEO_SECONDS
    if at > limit:
        walk.stop(f"the most read of a video (CLAIMDESK_KEYFRAMES_MAX_VIDEO_SECONDS = {limit})", True)
        return False
    if walk.decoded > limit * MAX_FRAME_RATE:
        walk.stop(f"{walk.decoded - 1} frames decoded, over {MAX_FRAME_RATE} a second (its timestamps are wrong)", True)
        return False
    walk.read_seconds = at
    small = frame.reformat(width=SCENE_SIZE[0], height=SCENE_SIZE[1], format="gray").to_ndarray().astype(np.int16)
    cut = walk.previous is not None and float(np.abs(small - walk.previous).mean()) >= SCENE_CHANGE
    walk.previous = small
    if walk.last_kept is None:
        why = Why.FIRST
    elif cut and at - walk.last_kept >= MIN_SCENE_GAP:
        why = Why.SCENE
    elif at >= walk.last_kept + settings.KEYFRAME_INTERVAL_SECONDS:
        why = Why.INTERVAL
    else:
        return True
    if walk.found >= settings.KEYFRAMES_MAX:  # only now: a video with exactly that many ends "ready"
        walk.stop(f"the most kept (CLAIMDESK_KEYFRAMES_MAX = {settings.KEYFRAMES_MAX})", True)
        return False
    _keep(walk, frame, at, why)
    walk.last_kept = at
    return True


def _picture_size(width: int, height: int) -> tuple[int, int]:
    """The frame's size fitted into PREVIEW_MAX_EDGE, never enlarged."""
    edge = settings.PREVIEW_MAX_EDGE
    scale = min(1.0, edge / max(width, height))
    return max(2, round(width * scale)), max(2, round(height * scale))


def _keep(walk: Walk, frame, at: float, why: str) -> None:
    """Store one keyframe: its picture (scaled straight from the decoder's YUV, so
    no full-size RGB copy is made), a thumbnail, its PDQ hash in the "seen
    before" index, and the progress, in one small transaction."""
    keyframe_set, index = walk.keyframe_set, walk.found
    width, height = _picture_size(frame.width, frame.height)
    image = frame.to_image(width=width, height=height)
    if frame.rotation:
        image = image.rotate(frame.rotation, expand=True)  # both counterclockwise, as previews turn it
    small = image.copy()
    small.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.BILINEAR)
    large_bytes, content_type, extension = previews.encode_picture(image)
    small_bytes, _, _ = previews.encode_picture(small)
    value, quality = perceptual.pdq(image)
    keyframe = Keyframe(
        keyframe_set=keyframe_set,
        index=index,
        seconds=round(at, 3),
        why=why,
        content_type=content_type,
        width=image.width,
        height=image.height,
        thumbnail_width=small.width,
        thumbnail_height=small.height,
        sha256=hashlib.sha256(large_bytes).hexdigest(),
    )
    name = f"{keyframe_set.stored_file.sha256}-{index}"
    keyframe.image.save(f"{name}.{extension}", ContentFile(large_bytes), save=False)
    keyframe.thumbnail.save(f"{name}-small.{extension}", ContentFile(small_bytes), save=False)
    hashed = perceptual.row(keyframe_set.stored_file_id, HASH_ORDINAL + index, value, quality, frame_seconds=at)
    with transaction.atomic():
        ours = KeyframeSet.objects.filter(
            pk=keyframe_set.pk, status=Status.PENDING, attempts=keyframe_set.attempts
        ).update(found=index + 1, read_seconds=at)
        if ours == 1:
            keyframe.save()
            MediaHash.objects.bulk_create([hashed], ignore_conflicts=True)
    if ours != 1:  # taken for dead: the newer attempt owns the set now
        keyframe.image.delete(save=False)
        keyframe.thumbnail.delete(save=False)
        raise Superseded()
    walk.found = index + 1


# --- How it ended ----------------------------------------------------------------------


def length(seconds: float) -> str:
    """A video's length as a reader says it: "3.0-second", "12-minute", "4-hour"."""
    if seconds < 90:
        return f"{seconds:.1f}-second"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f}-minute"
    return f"{seconds / 3600:.3g}-hour"


def _outcome(walk: Walk) -> tuple[str, str]:
    """(status, reason) for the page."""
    declared = walk.declared_seconds
    of_video = f"a {length(declared)} video (as its container says)" if declared else "a video of unknown length"
    read = f"{walk.read_seconds:.1f} s" if walk.read_seconds is not None else "its start"
    if walk.found == 0 and walk.limited:
        return Status.PARTIAL, f"No keyframe of {of_video} yet: stopped at {walk.stopped}."
    if walk.found == 0:
        return Status.UNREADABLE, f"Could not read: {walk.stopped or 'no frame could be decoded'}."
    if walk.stopped and walk.limited:
        return Status.PARTIAL, f"First {walk.found} keyframes of {of_video}, up to {read}: stopped at {walk.stopped}."
    if walk.stopped:
        return Status.PARTIAL, f"Could not read past {read} ({walk.stopped}); the first {walk.found} are shown."
    ran = walk.read_seconds or 0.0
    if declared and abs(declared - ran) > max(2.0, declared / 10):
        return Status.READY, (
            f"The container says the video lasts {declared:.1f} s, but its frames end at {ran:.1f} s: "
            "its duration was written wrong (edited, cut or damaged)."
        )
    return Status.READY, ""


def _finish(walk: Walk) -> str | None:
    status, reason = _outcome(walk)
    done = KeyframeSet.objects.filter(
        pk=walk.keyframe_set.pk, status=Status.PENDING, attempts=walk.keyframe_set.attempts
    ).update(status=status, reason=reason[:1000], read_seconds=walk.read_seconds, finished_at=timezone.now())
    log.info("Keyframes of stored file %s: %s %s", walk.keyframe_set.stored_file_id, status, reason)
    return status if done else None


# --- Reading -----------------------------------------------------------------------------


def for_items(items: list[Evidence]) -> dict[int, KeyframeSet]:
    """The keyframe set of each video item (by `Evidence.sha256`), its keyframes
    prefetched: two queries, none when no item is a video."""
    shas = {item.sha256 for item in items if item.sha256 and item.kind == Evidence.Kind.VIDEO}
    if not shas:
        return {}
    rows = (
        KeyframeSet.objects.filter(stored_file__sha256__in=shas)
        .annotate(sha=F("stored_file__sha256"))
        .prefetch_related(Prefetch("keyframes", queryset=Keyframe.objects.order_by("index")))
    )
    by_sha = {row.sha: row for row in rows}
    return {item.pk: by_sha[item.sha256] for item in items if item.sha256 in by_sha}


def keyframe_of(evidence: Evidence, index: int) -> Keyframe | None:
    """Keyframe `index` of the item's bytes, if it has one."""
    if not evidence.sha256:
        return None
    return (
        Keyframe.objects.filter(keyframe_set__stored_file__sha256=evidence.sha256, index=index)
        .select_related("keyframe_set__stored_file")
        .first()
    )


# --- The sweep --------------------------------------------------------------------------


def sweep(now=None) -> dict[str, int]:
    """With the preview sweep, at most previews.SWEEP_BATCH of each: ask for the
    keyframes of videos stored before this existed, and re-send extractions no
    worker finished (never started after the grace, or started longer ago than
    twice KEYFRAMES_MAX_SECONDS)."""
    now = now or timezone.now()
    used = Exists(Evidence.objects.filter(stored_file=OuterRef("pk"))) | Exists(
        Snapshot.objects.filter(stored_file=OuterRef("pk"))
    )
    without = StoredFile.objects.filter(used, content_type__startswith="video/", keyframe_set__isnull=True).order_by(
        "pk"
    )
    asked = 0
    for stored in without[: previews.SWEEP_BATCH]:
        with transaction.atomic():
            request(stored)
        asked += 1
    grace = now - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    limit = now - timedelta(seconds=2 * settings.KEYFRAMES_MAX_SECONDS)
    stalled = Q(status=Status.PENDING) & (Q(started_at__isnull=True, requested_at__lt=grace) | Q(started_at__lt=limit))
    again = list(
        KeyframeSet.objects.filter(stalled)
        .order_by("requested_at")
        .values_list("stored_file_id", flat=True)[: previews.SWEEP_BATCH]
    )  # keyframeset_pending_idx
    for stored_file_id in again:
        enqueue.send(enqueue.EXTRACT_KEYFRAMES, stored_file_id, expires=settings.PREVIEW_SWEEP_SECONDS)
    return {"asked": asked, "resent": len(again)}
