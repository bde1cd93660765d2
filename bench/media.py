"""How well "seen before" finds copies of evidence media, and how fast at scale.

    python -m bench.media [--quick]

Accuracy: a corpus the benchmark generates (200 distinct pictures, 50 with
--quick), each also transformed the ways footage travels: re-encoded as JPEG at
quality 30, resized to half, cropped by 10 % (5 % off each edge), a text
overlay, a colour shift, and mirrored; plus 1,000 distinct distractors (200).
Every picture is encoded, decoded and hashed with the product's PDQ function
(``verification.evidence.perceptual.pdq``); the originals' hashes go into the
real ``MediaHash`` table, and each copy and distractor is looked up with
``perceptual.nearby``, the function the claim page and the API use, at
CLAIMDESK_PDQ_MATCH_DISTANCE (31).

- recall: share of transformed copies (mirrored ones aside) that find their
  original; mirrored_recall separately: PDQ is not mirror-invariant (a mirrored
  picture's hash is a different one; PDQ's dihedral variant would find it, at
  eight lookups a picture);
- false_match_rate: share of distractors that match any original.

Scale: p95 of ``perceptual.nearby`` over 300 lookups (half near an existing
hash, half random) on a fresh SQLite database holding 10,000 and then 1,000,000
hashes (100,000 with --quick), uniformly random 256-bit values bulk-inserted
into the real table (the chunk indexes dropped for the load and made again
after, as a bulk load would).

Video (first, so its memory is its own; ``--video`` runs only this): a
60-second 1280×720 H.264 MP4 written with PyAV (a new picture every 8 s,
panning in between), its keyframes and their PDQ hashes made by the worker's
own task body (``verification.tasks.extract_keyframes``) pinned to one core:
video_seconds. The last line is one JSON object.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import print_table, save_results

ORIGINALS, DISTRACTORS = 200, 1000
QUICK_ORIGINALS, QUICK_DISTRACTORS = 50, 200
LOOKUPS = 300
STORED_FILES = 1000  # synthetic rows are spread over this many files, as frames
VIDEO_SECONDS, VIDEO_FPS, VIDEO_SIZE = 60, 25, (1280, 720)
SCENE_SECONDS = 8  # a hard cut this often in the generated video


def _configure() -> Path:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    folder = Path(tempfile.mkdtemp(prefix="claimdesk-media-"))
    os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(folder / "media")  # the video and its keyframes, never var/media
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder


# --- The corpus -----------------------------------------------------------------------------------


def picture(seed: int, width: int = 640, height: int = 480):
    """A distinct picture: a tinted gradient, shapes, lines and a little noise."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    angle = rng.choice([0, 90, 180, 270])
    sky = Image.linear_gradient("L").rotate(angle).resize((width, height)).convert("RGB")
    image = Image.blend(sky, Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3))), 0.5)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(6, 20)):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 10, width // 2), rng.randrange(height // 10, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        box = [x - w // 2, y - h // 2, x + w // 2, y + h // 2]
        rng.choice([draw.ellipse, draw.rectangle])(box, fill=colour)
    for _ in range(rng.randrange(2, 8)):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(2)]
        draw.line(points, fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.randrange(2, 12))
    noise = Image.effect_noise((width, height), 20).convert("RGB")
    return Image.blend(image, noise, 0.08).filter(ImageFilter.SMOOTH)


def _roundtrip(image, format: str, **options):
    from PIL import Image

    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.load()
    return decoded


def transforms() -> dict:
    from PIL import Image, ImageDraw, ImageEnhance, ImageFont

    def crop(image):
        w, h = image.size
        return image.crop((w // 20, h // 20, w - w // 20, h - h // 20))

    def overlay(image):
        image = image.copy()
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=max(16, image.height // 12))
        draw.text((image.width // 20, image.height * 3 // 4), "BREAKING: 72 HOURS AGO", fill="white", font=font)
        return image

    def colour(image):
        image = ImageEnhance.Color(image).enhance(1.6)
        return ImageEnhance.Brightness(image).enhance(1.15)

    return {
        "jpeg_q30": lambda im: _roundtrip(im, "JPEG", quality=30),
        "half_size": lambda im: _roundtrip(im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS), "PNG"),
        "crop_10pct": lambda im: _roundtrip(crop(im), "JPEG", quality=85),
        "text_overlay": lambda im: _roundtrip(overlay(im), "JPEG", quality=85),
        "colour_shift": lambda im: _roundtrip(colour(im), "JPEG", quality=85),
        "mirrored": lambda im: _roundtrip(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), "JPEG", quality=85),
    }


def accuracy(originals: int, distractors: int) -> dict:
    """Store the originals' hashes, look up every copy and distractor."""
    from verification.evidence import perceptual
    from verification.models import MediaHash, StoredFile

    files, rows, hashes = [], [], {}
    for n in range(originals):
        value, quality = perceptual.pdq(_roundtrip(picture(n), "JPEG", quality=92))
        files.append(StoredFile(sha256=f"{n:064x}", size=1, content_type="image/jpeg", file=f"bench/{n}.jpg"))
        hashes[n] = (value, quality)
    StoredFile.objects.bulk_create(files)
    by_sha = dict(StoredFile.objects.values_list("sha256", "pk"))
    for n, (value, quality) in hashes.items():
        rows.append(perceptual.row(by_sha[f"{n:064x}"], 0, value, quality))
    MediaHash.objects.bulk_create(rows)
    original_of = {by_sha[f"{n:064x}"]: n for n in hashes}

    found: dict[str, list[bool]] = {name: [] for name in transforms()}
    distances: dict[str, list[int]] = {name: [] for name in transforms()}
    for n in range(originals):
        source = _roundtrip(picture(n), "JPEG", quality=92)
        for name, transform in transforms().items():
            value, _ = perceptual.pdq(transform(source))
            hits = [near for near in perceptual.nearby([value]) if original_of.get(near.stored_file_id) == n]
            found[name].append(bool(hits))
            distances[name].append((value ^ hashes[n][0]).bit_count())
    false = 0
    for n in range(distractors):
        value, _ = perceptual.pdq(_roundtrip(picture(1_000_000 + n), "JPEG", quality=85))
        false += bool(perceptual.nearby([value]))
    plain = [hit for name, hits in found.items() if name != "mirrored" for hit in hits]
    return {
        "by_transform": {
            name: (sum(hits) / len(hits), statistics.median(distances[name])) for name, hits in found.items()
        },
        "recall": sum(plain) / len(plain),
        "mirrored_recall": sum(found["mirrored"]) / len(found["mirrored"]),
        "false_match_rate": false / distractors,
        "low_quality": sum(1 for _, q in hashes.values() if q < perceptual.MIN_QUALITY),
    }


# --- A video's keyframes ---------------------------------------------------------------------------


def make_video(path: Path, seconds: int = VIDEO_SECONDS, fps: int = VIDEO_FPS) -> int:
    """A 1280×720 H.264 MP4 of `seconds` written with PyAV: a new `picture` every
    SCENE_SECONDS (hard cuts), panning a few pixels a frame in between, so the
    encoder sees motion, not a still. Returns the number of frames."""
    import av
    import numpy as np

    width, height = VIDEO_SIZE
    frames = seconds * fps
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        scene = None
        for index in range(frames):
            if index % (SCENE_SECONDS * fps) == 0:
                scene = np.asarray(picture(900 + index, width + 400, height).convert("RGB"))
            offset = (index % (SCENE_SECONDS * fps)) * 2
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(scene[:, offset : offset + width]), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return frames


def video_pass(folder: Path) -> dict:
    """Keyframes and hashes of the generated video through the worker's own task
    body (verification.tasks.extract_keyframes), pinned to one core."""
    import resource

    from verification.evidence.storage import spool, store
    from verification.models import KeyframeSet, MediaHash
    from verification.tasks import extract_keyframes

    path = folder / "camp-720p.mp4"
    started = time.monotonic()
    maker = multiprocessing.get_context("fork").Process(target=make_video, args=(path,))
    maker.start()  # in a child, so the encoder's memory is not counted as the worker's
    maker.join()
    made, frames = time.monotonic() - started, VIDEO_SECONDS * VIDEO_FPS
    before_mb = _rss_mb()
    with open(path, "rb") as handle:
        stored, _ = store(spool(handle, max_bytes=1 << 31), "camp-720p.mp4")
    KeyframeSet.objects.create(stored_file=stored)  # what keyframes.request writes, without a broker
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        started = time.monotonic()
        status = extract_keyframes(stored.pk)
        took = time.monotonic() - started
    finally:
        os.sched_setaffinity(0, cores)
    found = KeyframeSet.objects.get(stored_file=stored)
    hashed = MediaHash.objects.filter(stored_file=stored, ordinal__gte=1, status="hashed").count()
    return {
        "status": status,
        "frames": frames,
        "bytes": stored.size,
        "made_seconds": made,
        "seconds": took,
        "keyframes": found.found,
        "scene_changes": found.keyframes.filter(why="scene").count(),
        "hashed": hashed,
        "rss_before_mb": before_mb,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- Scale ----------------------------------------------------------------------------------------


def _grow(to: int, rng: random.Random) -> float:
    """Bulk-load random hashes into MediaHash until it holds `to` rows; seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from verification.evidence import perceptual
    from verification.models import MediaHash, StoredFile
    from verification.models.evidence import HASH_CHUNKS

    started = time.monotonic()
    have = MediaHash.objects.count()
    if not StoredFile.objects.filter(sha256__startswith="synthetic").exists():
        StoredFile.objects.bulk_create(
            StoredFile(sha256=f"synthetic{n:055x}", size=1, content_type="video/mp4", file=f"bench/s{n}.mp4")
            for n in range(STORED_FILES)
        )
    file_ids = list(StoredFile.objects.filter(sha256__startswith="synthetic").values_list("pk", flat=True))
    table = MediaHash._meta.db_table
    chunk_columns = [f"c{i}" for i in range(HASH_CHUNKS)]
    columns = ["stored_file_id", "ordinal", "frame_seconds", "status", "reason", "pdq", "quality", *chunk_columns]
    columns.append("created_at")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND name LIKE 'mediahash_c%_idx'")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("PRAGMA synchronous=OFF")
        for start in range(have, to, 50_000):
            batch = []
            for n in range(start, min(to, start + 50_000)):
                value = rng.getrandbits(256)
                parts, digits = perceptual.chunks(value), perceptual.to_hex(value)
                file_id, ordinal = file_ids[n % len(file_ids)], 1 + n // len(file_ids)
                batch.append((file_id, ordinal, float(ordinal), "hashed", "", digits, 100, *parts, now))
            with transaction.atomic():
                cursor.executemany(sql, batch)
        for _, create in indexes:
            cursor.execute(create)
        cursor.execute("PRAGMA synchronous=FULL")
    return time.monotonic() - started


def _lookup_p95_ms(rng: random.Random) -> float:
    from verification.evidence import perceptual
    from verification.models import MediaHash

    count = MediaHash.objects.count()
    stored = [
        int(h, 16)
        for h in MediaHash.objects.filter(pk__in=rng.sample(range(1, count), LOOKUPS // 2)).values_list(
            "pdq", flat=True
        )
    ]
    queries = [value ^ sum(1 << b for b in rng.sample(range(256), 10)) for value in stored]
    queries += [rng.getrandbits(256) for _ in range(LOOKUPS - len(queries))]
    rng.shuffle(queries)
    perceptual.nearby(queries[:5])  # warm the page cache
    times = []
    for value in queries:
        started = time.perf_counter()
        perceptual.nearby([value])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[18]


def main(argv: list[str]) -> dict:
    quick = "--quick" in argv
    folder = _configure()
    from django.db import connection

    print(f"PDQ seen-before benchmark on SQLite {connection.Database.sqlite_version}{' (quick)' if quick else ''}")
    video = video_pass(folder)  # first, so its peak memory is its own
    print_table(
        f"Keyframes of a {VIDEO_SECONDS}-second {VIDEO_SIZE[0]}×{VIDEO_SIZE[1]} video on one core "
        "(verification.tasks.extract_keyframes)",
        [
            ("frames", "bytes", "keyframes (cuts)", "hashed", "seconds", "RSS before / peak MB", "status"),
            (
                video["frames"],
                video["bytes"],
                f"{video['keyframes']} ({video['scene_changes']})",
                video["hashed"],
                f"{video['seconds']:.2f}",
                f"{video['rss_before_mb']:.0f} / {video['peak_rss_mb']:.0f}",
                video["status"],
            ),
        ],
    )
    if "--video" in argv:
        print(json.dumps({"video_seconds": round(video["seconds"], 2)}))
        return video
    started = time.monotonic()
    result = accuracy(*((QUICK_ORIGINALS, QUICK_DISTRACTORS) if quick else (ORIGINALS, DISTRACTORS)))
    print(f"accuracy pass: {time.monotonic() - started:.1f} s; originals too plain to compare: {result['low_quality']}")
    print_table(
        "Recall by transform (median distance in bits of 256)",
        [("transform", "recall", "median distance")]
        + [(name, f"{recall:.3f}", f"{median:.0f}") for name, (recall, median) in result["by_transform"].items()],
    )
    rng = random.Random(19)
    large = 100_000 if quick else 1_000_000
    built_small = _grow(10_000, rng)
    small_p95 = _lookup_p95_ms(rng)
    built_large = _grow(large, rng)
    large_p95 = _lookup_p95_ms(rng)
    print_table(
        "Lookup (perceptual.nearby, one hash, threshold 31) on SQLite",
        [
            ("stored hashes", "p95 ms", "bulk load s"),
            ("10,000", f"{small_p95:.2f}", f"{built_small:.1f}"),
            (f"{large:,}", f"{large_p95:.2f}", f"{built_large:.1f}"),
        ],
    )
    summary = {
        "recall": round(result["recall"], 4),
        "false_match_rate": round(result["false_match_rate"], 4),
        "mirrored_recall": round(result["mirrored_recall"], 4),
        "recall_by_transform": {name: round(recall, 4) for name, (recall, _) in result["by_transform"].items()},
        "lookup_p95_ms_10k": round(small_p95, 2),
        "lookup_p95_ms_1m": round(large_p95, 2) if not quick else None,
        "lookup_ratio": round(large_p95 / small_p95, 2),
        "video_seconds": round(video["seconds"], 2),
        "video_keyframes": video["keyframes"],
        "video_peak_rss_mb": round(video["peak_rss_mb"]),
    }
    if quick:
        summary["lookup_p95_ms_100k"] = round(large_p95, 2)
    else:
        save_results({f"media_{key}": value for key, value in summary.items()})
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
