"""Perceptual hashes of evidence media and "seen before": which earlier evidence,
across the whole desk, shows the same picture or video frame, re-encoded,
resized or lightly edited.

Each stored image, and the video frame the preview shows, gets a PDQ hash
(Meta's 256-bit perceptual hash, through the `pdqhash` bindings of its C++
reference code), made by the worker that makes the preview from the picture it
already decoded (verification.evidence.previews). Two pictures whose hashes
differ in at most CLAIMDESK_PDQ_MATCH_DISTANCE bits (31 by default, PDQ's
published threshold) are taken to be the same.

Finding them never scans every hash: multi-index hashing. The 256 bits are cut
into 12 chunks (eight of 21 bits, four of 22), each stored in its own indexed
integer column. If two hashes are within distance d, their 12 chunk distances add
up to at most d. Write d = 12r + a (0 <= a < 12): if a + 1 chunks were each more
than r bits apart and the other 11 - a more than r - 1, the sum would be at least
(a + 1)(r + 1) + (11 - a)r = 12r + a + 1 > d. So some chunk of the first a + 1 is
within r bits, or some chunk of the rest within r - 1 (`radii`). With d = 31
(r = 2, a = 7): one of the eight 21-bit chunks within 2 bits (232 values each),
or one of the four 22-bit chunks within 1 (23 values each): 1,948 values in one
query, each column's index serving its IN list. Each candidate is then checked
by its exact Hamming distance. docs/evidence_hashes.md has the maths and figures.

PDQ also rates each hash's quality (0-100); below MIN_QUALITY a picture is too
plain (a flat colour, a black frame) for its hash to say anything, so such
hashes are stored but never matched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from itertools import combinations
from math import comb
from operator import or_

import numpy as np
import pdqhash
from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery

from verification.models import Evidence, MediaHash, StoredFile
from verification.models.evidence import HASH_CHUNK_BITS, HASH_CHUNKS

log = logging.getLogger(__name__)

BITS = 256
MAX_DISTANCE = 47  # CLAIMDESK_PDQ_MATCH_DISTANCE's ceiling: at 47, 18,744 values a query (SQLite allows 32,766)
MIN_QUALITY = 50  # PDQ's authors' advice: hashes of quality under 50 are not worth comparing
HASHED_KINDS = ("image", "video")  # previews.kind_of; a PDF's page is text, which PDQ tells apart poorly
MAX_MATCHES = 50  # per evidence item, nearest first
MAX_QUERY_VALUES = 30_000  # chunk values in one lookup query: SQLite allows 32,766 parameters
Status = MediaHash.Status


# --- Hashing ---------------------------------------------------------------------------------


def pdq(image) -> tuple[int, int]:
    """The PDQ hash of a Pillow image as a 256-bit integer, and its quality."""
    pixels = np.asarray(image.convert("RGB"))
    vector, quality = pdqhash.compute(pixels)
    return int.from_bytes(np.packbits(vector.astype(np.uint8)).tobytes(), "big"), int(quality)


def chunks(value: int) -> list[int]:
    """The chunks of a hash (HASH_CHUNK_BITS wide), c0 the most significant."""
    found, left = [], BITS
    for width in HASH_CHUNK_BITS:
        left -= width
        found.append((value >> left) & ((1 << width) - 1))
    return found


def to_hex(value: int) -> str:
    return f"{value:064x}"


def row(stored_file_id: int, ordinal: int, value: int, quality: int, frame_seconds: float | None = None) -> MediaHash:
    """An unsaved hash row: the hex digits and the chunk columns from one value."""
    columns = {f"c{i}": chunk for i, chunk in enumerate(chunks(value))}
    return MediaHash(
        stored_file_id=stored_file_id,
        ordinal=ordinal,
        frame_seconds=frame_seconds,
        status=Status.HASHED,
        pdq=to_hex(value),
        quality=quality,
        **columns,
    )


def hash_rows(stored_file_id: int, pictures) -> list[MediaHash]:
    """Rows for the decoded pictures of one file (each with `.image` and
    `.frame_seconds`), or one unreadable row if PDQ fails on them."""
    try:
        return [
            row(stored_file_id, ordinal, *pdq(picture.image), frame_seconds=picture.frame_seconds)
            for ordinal, picture in enumerate(pictures)
        ]
    except Exception as exc:  # the picture decoded but PDQ could not hash it: an answer, not a crash
        log.warning("No PDQ hash of stored file %s: %s", stored_file_id, exc, exc_info=True)
        return [unreadable_row(stored_file_id, f"The picture could not be hashed ({type(exc).__name__}: {exc}).")]


def unreadable_row(stored_file_id: int, reason: str) -> MediaHash:
    return MediaHash(stored_file_id=stored_file_id, status=Status.UNREADABLE, reason=reason[:1000])


def save(rows: list[MediaHash]) -> None:
    """Store a file's rows, in the transaction that records its preview. A second
    attempt that got this far finds the rows there and adds nothing; a file read
    at last (a retry after raising a limit) loses its "unreadable" row."""
    if not rows:
        return
    MediaHash.objects.filter(stored_file_id=rows[0].stored_file_id, status=Status.UNREADABLE).delete()
    MediaHash.objects.bulk_create(rows, ignore_conflicts=True)


# --- Looking up ------------------------------------------------------------------------------


def radii(threshold: int) -> list[int]:
    """How far each chunk is looked for, by pigeonhole: a hash within `threshold`
    has a chunk within its radius here (-1: that chunk is not looked up at all).
    With threshold = 12r + a, a + 1 chunks get r and the others r - 1; the
    narrowest chunks get the larger radius, as they have fewer neighbours."""
    r, a = divmod(threshold, HASH_CHUNKS)
    by_width = sorted(range(HASH_CHUNKS), key=lambda i: HASH_CHUNK_BITS[i])
    wider = set(by_width[: a + 1])
    return [r if i in wider else r - 1 for i in range(HASH_CHUNKS)]


def neighbours(value: int, width: int, within: int) -> set[int]:
    """Every `width`-bit value within `within` bits of `value` (1 + 21 + 210 + … of them)."""
    found = {value} if within >= 0 else set()
    for flips in range(1, within + 1):
        for bits in combinations(range(width), flips):
            found.add(value ^ sum(1 << bit for bit in bits))
    return found


def wanted(values: list[int], threshold: int) -> list[list[int]]:
    """For each chunk column, the values within its radius (`radii`) of one of
    `values`'s chunks: a row with any of them is a candidate, and every match is."""
    found: list[set[int]] = [set() for _ in range(HASH_CHUNKS)]
    for value in values:
        for i, (chunk, within) in enumerate(zip(chunks(value), radii(threshold), strict=True)):
            found[i] |= neighbours(chunk, HASH_CHUNK_BITS[i], within)
    return [sorted(column) for column in found]


def candidates_filter(values: list[int], threshold: int) -> Q:
    """The candidates as one ORM filter (for EXPLAIN and ad hoc queries); `nearby`
    asks for the same rows chunk by chunk."""
    columns = wanted(values, threshold)
    return reduce(or_, (Q(**{f"c{i}__in": column}) for i, column in enumerate(columns) if column))


@dataclass(frozen=True)
class Near:
    query: int  # index into the values asked about
    hash_id: int
    stored_file_id: int
    frame_seconds: float | None
    distance: int


def nearby(values: list[int], threshold: int | None = None) -> list[Near]:
    """Stored hashes within `threshold` bits of any of `values`, in one query:
    the chunk index narrows, the exact Hamming distance decides. No join: at a
    million random hashes a lookup reads some 900 candidate rows, and a join
    would cost as much again for each."""
    threshold = settings.PDQ_MATCH_DISTANCE if threshold is None else threshold
    if not values:
        return []
    found = []
    # A video's keyframes bring dozens of hashes: ask for them in batches whose
    # chunk values stay within SQLite's 32,766 parameters (a query per batch).
    widths = zip(HASH_CHUNK_BITS, radii(threshold), strict=True)
    per_hash = sum(sum(comb(width, k) for k in range(within + 1)) for width, within in widths)
    batch = max(1, MAX_QUERY_VALUES // per_hash)
    for start in range(0, len(values), batch):
        part = values[start : start + batch]
        for pk, hex_digits, stored_file_id, frame_seconds in _candidates(wanted(part, threshold)):
            other = int(hex_digits, 16)
            for index, value in enumerate(part, start=start):
                distance = (value ^ other).bit_count()
                if distance <= threshold:
                    found.append(Near(index, pk, stored_file_id, frame_seconds, distance))
    return found


def _candidates(columns: list[list[int]]) -> list[tuple]:
    """The candidate rows: one indexed SELECT per chunk column, joined by UNION
    ALL, so each is an index lookup whatever the planner thinks of an OR across
    twelve columns (PostgreSQL chose a sequential scan for it at 100,000 rows).
    Written here rather than by the ORM: compiling ~2,000 IN-list values through
    Django's query machinery cost ~10 ms a lookup. Table and column names come
    from the model, every value is a parameter; a row found through several
    chunks is returned once."""
    quote = connection.ops.quote_name
    meta = MediaHash._meta
    fields = ", ".join(quote(meta.get_field(name).column) for name in ("id", "pdq", "stored_file", "frame_seconds"))
    quality = quote(meta.get_field("quality").column)
    selects, params = [], []
    for i, column in enumerate(columns):
        if column:
            chunk = quote(meta.get_field(f"c{i}").column)
            values = ", ".join(["%s"] * len(column))
            selects.append(
                f"SELECT {fields} FROM {quote(meta.db_table)} WHERE {chunk} IN ({values}) AND {quality} >= %s"
            )
            params += [*column, MIN_QUALITY]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    seen: set[int] = set()
    return [row for row in rows if row[0] not in seen and not seen.add(row[0])]


# --- Seen before ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Earlier evidence showing what one of ours shows."""

    evidence_id: int
    claim_id: int
    kind: str
    title: str
    first_stored_at: datetime  # when the earlier item was added to the desk
    distance: int
    frame_seconds: float | None  # the earlier item's frame, for a video
    own_frame_seconds: float | None  # our frame that matched, for a video


def hashes_of(items: list[Evidence]) -> dict[str, list[MediaHash]]:
    """The hash rows of the items' bytes (`Evidence.sha256`: the upload's, else
    the latest capture's), by SHA-256, in one query."""
    shas = {item.sha256 for item in items if item.sha256}
    if not shas:
        return {}
    by_sha: dict[str, list[MediaHash]] = {}
    for hashed in MediaHash.objects.filter(stored_file__sha256__in=shas).select_related("stored_file"):
        by_sha.setdefault(hashed.stored_file.sha256, []).append(hashed)
    return by_sha


def seen_before(items: list[Evidence], own: dict[str, list[MediaHash]] | None = None) -> dict[int, list[Match]]:
    """For each item, the earlier evidence (added before it) whose pictures are
    within CLAIMDESK_PDQ_MATCH_DISTANCE of one of its own, nearest first, at
    most MAX_MATCHES. Three queries, however many items (the lookup one more per
    15 hashes past the first 15 at the default threshold: `nearby`): their hashes
    (unless `own` is given), the candidates, the evidence holding them.

    1. Gather the items' comparable hashes (quality at least MIN_QUALITY).
    2. Find the stored hashes near any of them (`nearby`).
    3. Map the matched bytes to the evidence items holding them; keep, for each
       of our items, the earlier ones other than itself, at their best distance.
    """
    own = hashes_of(items) if own is None else own
    asked: list[tuple[str, MediaHash]] = [
        (sha, hashed)
        for sha, rows in own.items()
        for hashed in rows
        if hashed.status == Status.HASHED and hashed.quality >= MIN_QUALITY
    ]
    if not asked:
        return {}
    near = nearby([int(hashed.pdq, 16) for _, hashed in asked])
    if not near:
        return {}
    files = StoredFile.objects.filter(pk__in={n.stored_file_id for n in near})
    holders = (
        Evidence.objects.filter(sha256__in=files.values("sha256"))
        .annotate(file_id=Subquery(StoredFile.objects.filter(sha256=OuterRef("sha256")).values("pk")[:1]))
        .only("pk", "claim_id", "kind", "title", "added_at", "sha256")
    )
    by_file: dict[int, list[Evidence]] = {}
    for holder in holders:
        by_file.setdefault(holder.file_id, []).append(holder)
    result: dict[int, list[Match]] = {}
    for item in items:
        best: dict[int, Match] = {}
        for n in near:
            sha, ours = asked[n.query]
            if sha != item.sha256:
                continue
            for other in by_file.get(n.stored_file_id, []):
                if other.pk == item.pk or (other.added_at, other.pk) > (item.added_at, item.pk):
                    continue
                if other.pk in best and best[other.pk].distance <= n.distance:
                    continue
                best[other.pk] = Match(
                    other.pk,
                    other.claim_id,
                    other.kind,
                    other.title,
                    other.added_at,
                    n.distance,
                    n.frame_seconds,
                    ours.frame_seconds,
                )
        if best:
            ordered = sorted(best.values(), key=lambda m: (m.distance, m.first_stored_at, m.evidence_id))
            result[item.pk] = ordered[:MAX_MATCHES]
    return result
