"""Evidence intake: every write to an evidence item goes through here.

Each action (the Zulip `actions/` pattern) checks the actor's right, locks the
row it changes, returns early when nothing changes, writes the change together
with an append-only CustodyEvent, and sends follow-up work (capture, webhook,
re-review of a published claim) only after commit.

Bytes are stored once per SHA-256 (StoredFile). An upload is copied in chunks
to a private spool file while it is hashed, never read whole, then moved into
storage; the content type is sniffed from the bytes, never taken from the
client. Captures (verification/capture.py) store their snapshots the same way.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q

from verification import enqueue
from verification.models import Claim, ClaimEvent, CustodyEvent, Evidence, StoredFile
from verification.status import rfc3339
from verification.webhooks import outbox
from verification.workflow import transitions
from verification.workflow.errors import require_permission
from verification.workflow.history import record

logger = logging.getLogger(__name__)

Action = CustodyEvent.Action
CHUNK_SIZE = 1024 * 1024  # memory stays flat whatever the file's size
SNIFF_BYTES = 64 * 1024  # enough for every signature puremagic knows
# Bytes that never occur in text (WHATWG MIME sniffing, "binary data byte").
_BINARY = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


class EvidenceRefused(Exception):
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


# --- Streaming, hashing, sniffing ----------------------------------------------


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


def sniff_content_type(head: bytes) -> str:
    """The type the bytes show. Text has no signature: bytes with no binary
    byte are text/plain, whatever the sender called them."""
    head = bytes(head)
    for candidate in (head, head.removeprefix(b"\xef\xbb\xbf").lstrip()):
        try:
            if candidate and (mime := puremagic.from_string(candidate, mime=True)):
                return mime
        except puremagic.PureError:
            pass
    return "text/plain" if head and _BINARY.isdisjoint(head) else "application/octet-stream"


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
    allow_empty: bool = False,
) -> Spooled:
    """Copy `source` to a private temp file, hashing each chunk on the way.

    1. Read at most `chunk_size` bytes at a time; hash and write each chunk.
    2. Stop as soon as the total passes `max_bytes` (EvidenceRefused, 413).
    3. Sniff the type once the head is read; if `check_type`, refuse a type
       not in UPLOAD_TYPES (415) before reading the rest.
    """
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
                    "The file is empty (0 bytes); choose the file again.",
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
    content_type = sniff_content_type(head)
    if check and not type_allowed(content_type):
        said = f" (it was sent as {declared})" if declared and declared != content_type else ""
        raise EvidenceRefused(
            f"Files of type {content_type} are not accepted; the type was read from the file's bytes{said}. "
            f"Accepted types (CLAIMDESK_UPLOAD_TYPES): {', '.join(settings.UPLOAD_TYPES)}.",
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
    if not stored.evidence.exists() and not stored.snapshots.exists():
        stored.file.delete(save=False)
        stored.delete()


# --- Adding evidence ---------------------------------------------------------------


def _require(actor, perm: str, what: str) -> None:
    require_permission(actor, f"verification.{perm}", what)


def _validate(kind: str, title: str, stance: str, credibility) -> dict:
    errors = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = [f"'{kind}' is not a kind of evidence; use one of {', '.join(Evidence.Kind.values)}."]
    if not (title or "").strip():
        errors["title"] = ["Give the evidence a title, so reviewers can tell items apart."]
    elif len(title) > 500:
        errors["title"] = ["Keep the title under 500 characters."]
    if stance not in Evidence.Stance.values:
        errors["stance"] = [f"'{stance}' is not a stance; use one of {', '.join(Evidence.Stance.values)}."]
    if credibility is not None and credibility not in range(1, 7):
        errors["credibility"] = ["Information credibility is a grade from 1 (confirmed) to 6 (cannot be judged)."]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title.strip(), "stance": stance, "credibility": credibility}


def _validate_url(url: str) -> str:
    url = (url or "").strip()
    try:
        if len(url) > 2000:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": ["Give a full http:// or https:// address of at most 2000 characters."]}
        ) from None
    return url


def _attach(actor, claim_id: int, fields: dict, custody: list[tuple[str, dict]], sha256: str = "") -> Evidence:
    """Create the evidence row, its custody entries and the claim event, in the
    caller's transaction, with the claim row locked; announce after commit.

    1. Lock the claim (a new item changes what reviewers see: the version bumps).
    2. Create the evidence and one custody row per (action, detail).
    3. Emit evidence.added; if the claim is published, ask for a re-review.
    """
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    evidence = Evidence.objects.create(claim=claim, added_by=actor, sha256=sha256, **fields)
    for action, detail in custody:
        CustodyEvent.objects.create(evidence=evidence, action=action, actor=actor, sha256=sha256, detail=detail)
    record(
        claim,
        ClaimEvent.Kind.EVIDENCE,
        actor,
        note=f"Evidence added: {evidence.title}",
        changes={"evidence_id": evidence.pk, "action": "added", "kind": evidence.kind, "stance": evidence.stance},
    )
    outbox.emit("evidence.added", evidence_data(evidence))
    if claim.state == Claim.State.PUBLISHED:
        # The review queue owns re-review: after commit its task reopens the claim.
        transitions.request_rereview(claim.pk, evidence.pk)
    return evidence


def _source_id(provided_by) -> int | None:
    return getattr(provided_by, "pk", provided_by)


def add_evidence_url(
    actor,
    claim_id: int,
    url: str,
    *,
    kind: str = Evidence.Kind.ARTICLE,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
    notes: str = "",
    capture: bool = True,
) -> Evidence:
    """Attach a URL and, unless `capture` is False (seed and demo data), ask a
    worker to capture it after commit."""
    _require(actor, "add_evidence", "add evidence")
    url = _validate_url(url)
    fields = _validate(kind, title or url, stance, credibility)
    status = Evidence.Capture.PENDING if capture else Evidence.Capture.NOT_REQUESTED
    custody = [(Action.ADDED, {"url": url, "kind": kind, "title": fields["title"]})]
    if capture:
        custody.append((Action.CAPTURE_REQUESTED, {"backend": "http"}))
    with transaction.atomic():
        evidence = _attach(
            actor,
            claim_id,
            dict(fields, url=url, notes=notes, capture_status=status, provided_by_id=_source_id(provided_by)),
            custody,
        )
        if capture:
            enqueue.after_commit(enqueue.CAPTURE_EVIDENCE, evidence.pk)
    return evidence


def kind_for(content_type: str) -> str:
    return {"video": Evidence.Kind.VIDEO, "image": Evidence.Kind.IMAGE}.get(
        content_type.split("/")[0], Evidence.Kind.DOCUMENT
    )


def add_evidence_file(
    actor,
    claim_id: int,
    uploaded_file,
    *,
    kind: str | None = None,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
    notes: str = "",
    chunk_size: int = CHUNK_SIZE,
) -> Evidence:
    """Attach an uploaded file, streamed and hashed in `chunk_size` pieces.

    1. Check the right, the fields and the claim before reading any byte.
    2. Refuse early when the declared size is already over the limit.
    3. Spool (hash, size and type limits), then store once per SHA-256.
    4. Attach the evidence; if that fails, drop bytes nobody else uses.
    """
    _require(actor, "add_evidence", "add evidence")
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    fields = _validate(kind or Evidence.Kind.DOCUMENT, title or name or "Uploaded file", stance, credibility)
    if not Claim.objects.filter(pk=claim_id).exists():
        raise Claim.DoesNotExist(f"Claim {claim_id} does not exist.")
    limit, declared = settings.UPLOAD_MAX_BYTES, getattr(uploaded_file, "content_type", "") or ""
    if (getattr(uploaded_file, "size", None) or 0) > limit:
        raise _too_large(limit, uploaded_file.size)
    spooled = spool(uploaded_file, max_bytes=limit, chunk_size=chunk_size, check_type=True, declared_type=declared)
    stored, created = store(spooled, name)
    fields["kind"] = kind or kind_for(stored.content_type)  # unsaid: what the bytes are
    detail = {
        "name": name,
        "size": stored.size,
        "content_type": stored.content_type,
        "declared_type": declared,
        "deduplicated": not created,
        "stored_file_id": stored.pk,
    }
    try:
        with transaction.atomic():
            return _attach(
                actor,
                claim_id,
                dict(fields, notes=notes, stored_file=stored, provided_by_id=_source_id(provided_by)),
                [(Action.ADDED, {"kind": fields["kind"], "title": fields["title"]}), (Action.UPLOADED, detail)],
                sha256=stored.sha256,
            )
    except BaseException:
        if created:
            discard_if_unused(stored)
        raise


def add_evidence_note(
    actor,
    claim_id: int,
    notes: str,
    *,
    kind: str = Evidence.Kind.TESTIMONY,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
) -> Evidence:
    """Evidence with neither URL nor file: a testimony, a phone call, a note."""
    _require(actor, "add_evidence", "add evidence")
    if not (notes or "").strip():
        raise ValidationError({"notes": ["Write what the evidence is: a note needs text."]})
    fields = _validate(kind, title or notes.strip().splitlines()[0][:120], stance, credibility)
    with transaction.atomic():
        return _attach(
            actor,
            claim_id,
            dict(fields, notes=notes.strip(), provided_by_id=_source_id(provided_by)),
            [(Action.ADDED, {"kind": kind, "title": fields["title"], "note": True})],
        )


# --- Changing and reading evidence --------------------------------------------------


def _lock_evidence(evidence_id: int) -> Evidence:
    return Evidence.objects.select_for_update().get(pk=evidence_id)


def set_stance(actor, evidence_id: int, stance: str, note: str = "") -> Evidence:
    _require(actor, "change_evidence", "change evidence")
    if stance not in Evidence.Stance.values:
        raise ValidationError(
            {"stance": [f"'{stance}' is not a stance; use one of {', '.join(Evidence.Stance.values)}."]}
        )
    return _change(actor, evidence_id, "stance", stance, Action.STANCE_CHANGED, note)


def set_credibility(actor, evidence_id: int, credibility: int | None, note: str = "") -> Evidence:
    _require(actor, "change_evidence", "change evidence")
    if credibility is not None and credibility not in range(1, 7):
        raise ValidationError(
            {"credibility": ["Information credibility is a grade from 1 (confirmed) to 6 (cannot be judged)."]}
        )
    return _change(actor, evidence_id, "credibility", credibility, Action.CREDIBILITY_CHANGED, note)


def _change(actor, evidence_id: int, field: str, value, action: str, note: str) -> Evidence:
    with transaction.atomic():
        evidence = _lock_evidence(evidence_id)
        old = getattr(evidence, field)
        if old == value:
            return evidence
        setattr(evidence, field, value)
        evidence.save(update_fields=[field])
        detail = {"from": old, "to": value, **({"note": note} if note else {})}
        CustodyEvent.objects.create(
            evidence=evidence, action=action, actor=actor, sha256=evidence.sha256, detail=detail
        )
        return evidence


def recapture(actor, evidence_id: int) -> Evidence:
    """Capture a URL again (a user's request: the only way seeded evidence is
    ever fetched). A capture already waiting is left alone."""
    _require(actor, "change_evidence", "re-capture evidence")
    with transaction.atomic():
        evidence = _lock_evidence(evidence_id)
        if not evidence.url:
            raise ValidationError({"url": ["This evidence has no URL to capture."]})
        if evidence.capture_status == Evidence.Capture.PENDING:
            return evidence
        evidence.capture_status = Evidence.Capture.PENDING
        evidence.capture_error = ""
        evidence.capture_attempts = 0  # attempts count per capture request; retries are capped on it
        evidence.save(update_fields=["capture_status", "capture_error", "capture_attempts"])
        CustodyEvent.objects.create(
            evidence=evidence, action=Action.CAPTURE_REQUESTED, actor=actor, detail={"backend": "http", "again": True}
        )
        enqueue.after_commit(enqueue.CAPTURE_EVIDENCE, evidence.pk)
        return evidence


def record_download(actor, evidence: Evidence, stored: StoredFile, snapshot_id: int | None = None) -> None:
    """Custody: who took a copy of the bytes, and which bytes."""
    detail = {"stored_file_id": stored.pk, "size": stored.size}
    if snapshot_id:
        detail["snapshot_id"] = snapshot_id
    CustodyEvent.objects.create(
        evidence=evidence, action=Action.DOWNLOADED, actor=actor, sha256=stored.sha256, detail=detail
    )


def related_evidence(evidence: Evidence):
    """Evidence on other claims with the same normalised URL or the same bytes."""
    match = Q(pk__in=[])
    if evidence.normalised_url:
        match |= Q(normalised_url=evidence.normalised_url)
    if evidence.sha256:
        match |= Q(sha256=evidence.sha256)
    return Evidence.objects.filter(match).exclude(claim_id=evidence.claim_id).select_related("claim").order_by("-id")


def related_map(items: list[Evidence], limit: int = 200) -> dict[int, list[Evidence]]:
    """`related_evidence` for many items in one query: {evidence id: [related]}."""
    urls = {e.normalised_url for e in items if e.normalised_url}
    hashes = {e.sha256 for e in items if e.sha256}
    if not urls and not hashes:
        return {e.pk: [] for e in items}
    others = list(
        Evidence.objects.filter(Q(normalised_url__in=urls) | Q(sha256__in=hashes))
        .exclude(pk__in=[e.pk for e in items])
        .select_related("claim")
        .order_by("-id")[:limit]
    )
    return {
        e.pk: [
            o
            for o in others
            if o.claim_id != e.claim_id
            and ((e.normalised_url and o.normalised_url == e.normalised_url) or (e.sha256 and o.sha256 == e.sha256))
        ]
        for e in items
    }


def evidence_data(evidence: Evidence) -> dict:
    """The public shape of an evidence item: API responses and webhooks."""
    return {
        "id": evidence.pk,
        "claim_id": evidence.claim_id,
        "kind": evidence.kind,
        "title": evidence.title,
        "url": evidence.url or None,
        "notes": evidence.notes or None,
        "stance": evidence.stance,
        "credibility": evidence.credibility,
        "sha256": evidence.sha256 or None,
        "capture_status": evidence.capture_status,
        "capture_error": evidence.capture_error or None,
        "provided_by": evidence.provided_by_id,
        "added_at": rfc3339(evidence.added_at),
    }
