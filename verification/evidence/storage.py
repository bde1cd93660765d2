"""Evidence bytes: streamed, hashed, sniffed and stored once per SHA-256.

An upload is copied in chunks to a private spool file while it is hashed,
never read whole, then moved into storage (StoredFile); the content type is
sniffed from the bytes (verification.evidence.sniffing), never taken from the
client. Captures (verification.evidence.capture) store their snapshots the
same way. The rows that say who added the bytes are written by
verification.evidence.writes.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from sources.errors import Refused
from verification.evidence.sniffing import SNIFF_BYTES, sniff
from verification.models import StoredFile

CHUNK_SIZE = 1024 * 1024  # memory stays flat whatever the file's size


class EvidenceRefused(Refused):
    """An upload we will not keep; the message says which limit and what was sent."""

    def __init__(self, message: str, *, code: str, http_status: int, **detail):
        super().__init__(message)
        self.code, self.http_status, self.detail = code, http_status, detail


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


class StreamingDigest:
    """SHA-256 and size of a stream fed chunk by chunk, keeping only its head."""

    def __init__(self):
        self._sha = hashlib.sha256()
        self.size = 0
        self.chunks = 0
        self.head = bytearray()

    def update(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        self.size += len(chunk)
        self.chunks += 1
        if len(self.head) < SNIFF_BYTES:
            self.head.extend(chunk[: SNIFF_BYTES - len(self.head)])

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def type_allowed(content_type: str) -> bool:
    return any(fnmatch.fnmatchcase(content_type, pattern) for pattern in settings.UPLOAD_TYPES)


@dataclass
class Spooled:
    path: Path  # a private temp file; store() moves or deletes it
    sha256: str
    size: int
    content_type: str
    chunks: int


def _read_chunks(source: BinaryIO, chunk_size: int):
    if getattr(source, "seekable", lambda: False)():
        source.seek(0)
    while chunk := source.read(chunk_size):
        yield chunk


def spool(
    source: BinaryIO,
    *,
    max_bytes: int,
    chunk_size: int = CHUNK_SIZE,
    check_type: bool = False,
    declared_type: str = "",
    declared_size: int | None = None,
    allow_empty: bool = False,
) -> Spooled:
    """Copy `source` to a private temp file, hashing each chunk on the way.

    1. Refuse at once (EvidenceRefused, 413) when `declared_size` is already
       over `max_bytes`: not a byte is read.
    2. Read at most `chunk_size` bytes at a time; hash and write each chunk.
    3. Stop as soon as the total passes `max_bytes` (413).
    4. Sniff the type once the head is read; if `check_type`, refuse a type
       not in UPLOAD_TYPES (415) before reading the rest. `declared_type` is
       only quoted in that refusal: the bytes decide.
    """
    if (declared_size or 0) > max_bytes:
        raise _too_large(max_bytes, declared_size)
    digest, content_type = StreamingDigest(), ""
    handle = tempfile.NamedTemporaryFile(prefix="claimdesk-spool-", dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False)
    try:
        with handle:
            for chunk in _read_chunks(source, chunk_size):
                if digest.size + len(chunk) > max_bytes:
                    raise _too_large(max_bytes, digest.size + len(chunk))
                digest.update(chunk)
                handle.write(chunk)
                if not content_type and len(digest.head) >= SNIFF_BYTES:
                    content_type = _checked_type(digest.head, check_type, declared_type)
            if digest.size == 0 and not allow_empty:
                raise EvidenceRefused(
                    gettext("The file is empty (0 bytes); choose the file again."),
                    code="empty_upload",
                    http_status=400,
                    sent_bytes=0,
                )
            content_type = content_type or _checked_type(digest.head, check_type, declared_type)
    except BaseException:
        os.unlink(handle.name)
        raise
    return Spooled(Path(handle.name), digest.hexdigest(), digest.size, content_type, digest.chunks)


def _too_large(limit: int, sent: int) -> EvidenceRefused:
    return EvidenceRefused(
        f"The file is over the upload limit of {_size(limit)} ({limit} bytes, CLAIMDESK_UPLOAD_MAX_BYTES): "
        f"at least {sent} bytes were sent. Upload a smaller file or ask an admin to raise the limit.",
        code="upload_too_large",
        http_status=413,
        limit_bytes=limit,
        sent_bytes=sent,
    )


def _checked_type(head: bytes, check: bool, declared: str) -> str:
    content_type = sniff(head)  # the client's label is not passed: it must not even pick a text type
    if check and not type_allowed(content_type):
        said = f" (it was sent as {declared})" if declared and declared != content_type else ""
        raise EvidenceRefused(
            gettext(
                "Files of type %(content_type)s are not accepted; the type was read from the file's "
                "bytes%(said)s. Accepted types (CLAIMDESK_UPLOAD_TYPES): %(settings_upload_types)s."
            )
            % {"content_type": content_type, "said": said, "settings_upload_types": ", ".join(settings.UPLOAD_TYPES)},
            code="upload_type_not_allowed",
            http_status=415,
            content_type=content_type,
            declared_type=declared,
            allowed=list(settings.UPLOAD_TYPES),
        )
    return content_type


class _SpoolFile(File):
    # FileSystemStorage moves a file that has a path instead of copying it.
    def __init__(self, handle, path: Path):
        super().__init__(handle, name=path.name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def store(spooled: Spooled, original_name: str = "") -> tuple[StoredFile, bool]:
    """The StoredFile for these bytes: the existing one (the spool file is
    dropped) or a new one (the spool file is moved into storage). Returns
    (stored_file, created)."""
    existing = StoredFile.objects.filter(sha256=spooled.sha256).first()
    if existing is not None:
        spooled.path.unlink(missing_ok=True)
        return existing, False
    stored = StoredFile(
        sha256=spooled.sha256,
        size=spooled.size,
        content_type=spooled.content_type,
        original_name=(original_name or "")[:300],
    )
    try:
        with open(spooled.path, "rb") as handle:
            stored.file.save(spooled.sha256, _SpoolFile(handle, spooled.path), save=False)
    finally:
        spooled.path.unlink(missing_ok=True)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:
        # Another upload of the same bytes won the race: keep theirs, drop ours.
        stored.file.delete(save=False)
        return StoredFile.objects.get(sha256=spooled.sha256), False
    return stored, True


def discard_if_unused(stored: StoredFile) -> None:
    """Undo a `store` whose evidence could not be attached."""
    if not stored.evidence.exists() and not stored.snapshots.exists() and not stored.warc_snapshots.exists():
        stored.file.delete(save=False)
        stored.delete()
