"""Capturing URL evidence, and re-verifying every stored byte.

Capture goes through a small backend interface: `HttpCaptureBackend` fetches
the page itself with the SSRF-safe fetcher; an archive service or a WACZ
crawler can be added later as another backend returning a `Capture`.

Capture runs only for evidence whose capture_status is pending, which only a
user's action sets (adding a URL, or re-capture). Seeded and demo evidence is
created with capture not requested, so no public host is ever contacted by
`make run`, `seed` or the tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification.evidence import archives, keyframes, metadata, previews, timestamps
from verification.evidence import storage as evidence_storage
from verification.evidence.fetching import FetchError, FetchFailed, FetchPolicy, fetch
from verification.models import Claim, ClaimEvent, CustodyEvent, Evidence, Notification, Snapshot, StoredFile
from verification.workflow.history import record
from verification.workflow.notifications import editors, notify

logger = logging.getLogger(__name__)

Action = CustodyEvent.Action
Status = Evidence.Capture


# --- Backends -----------------------------------------------------------------------


@dataclass
class Capture:
    """What a backend returns: the bytes (to open and read once) and the record."""

    requested_url: str
    final_url: str
    status_code: int
    headers: dict
    redirects: list
    captured_at: datetime
    content_type: str
    sha256: str  # as the backend computed it; storing re-hashes and must agree
    open: callable = field(repr=False)
    cleanup: callable = field(repr=False, default=lambda: None)
    detail: dict = field(default_factory=dict)
    # The HTTP exchange as seen on the wire, for the web archive; None from a
    # backend that did not fetch the page itself (no WARC is written then).
    exchange: archives.HttpExchange | None = None


class CaptureError(Exception):
    def __init__(self, reason: str, transient: bool):
        super().__init__(reason)
        self.reason, self.transient = reason, transient


class CaptureBackend(Protocol):
    name: str

    def capture(self, url: str) -> Capture:
        """Fetch `url`; raise CaptureError (transient or not) on failure."""


class HttpCaptureBackend:
    """The page as our own SSRF-safe client received it."""

    name = "http"

    def policy(self) -> FetchPolicy:
        return FetchPolicy(allow_loopback=settings.ALLOW_LOOPBACK_FETCH, max_bytes=settings.CAPTURE_MAX_BYTES)

    def capture(self, url: str) -> Capture:
        try:
            result = fetch(url, self.policy())
        except FetchError as exc:
            raise CaptureError(exc.reason, transient=isinstance(exc, FetchFailed) and exc.transient) from exc
        path: Path | None = result.body_path
        return Capture(
            requested_url=result.url,
            final_url=result.final_url,
            status_code=result.status_code,
            headers=result.headers,
            captured_at=result.fetched_at,
            content_type=result.content_type,
            sha256=result.sha256,
            open=result.open,
            cleanup=(lambda: path.unlink(missing_ok=True)) if path else (lambda: None),
            redirects=[{"url": r.url, "status": r.status_code, "location": r.location} for r in result.redirects],
            detail={"ip": result.ip, "declared_content_type": result.declared_content_type, "size": result.size},
            exchange=archives.HttpExchange(
                method=result.method,
                request_headers=result.request_headers,
                http_version=result.http_version,
                status_code=result.status_code,
                reason=result.reason,
                response_headers=result.raw_headers,
                ip=result.ip,
            ),
        )


BACKENDS: dict[str, type] = {"http": HttpCaptureBackend}


def backend() -> CaptureBackend:
    return BACKENDS["http"]()


# --- Capture ---------------------------------------------------------------------------


class CaptureRetry(Exception):
    """A transient failure with retries left: the capture task's ``autoretry_for``
    sends it again with Celery's exponential backoff and jitter."""


def retry_backoff_max() -> int:
    """The longest wait between attempts, kept well under the broker's visibility
    timeout (a longer countdown would be redelivered while still waiting)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(1, min(settings.CAPTURE_RETRY_MAX_SECONDS, visibility // 4))


def retry_window(retries: int) -> int:
    """The latest the next attempt can come: Celery's backoff with full jitter
    waits a random time up to base × 2^retries, capped. The reconciler leaves
    the evidence alone until this has passed."""
    return min(retry_backoff_max(), settings.CAPTURE_RETRY_BASE_SECONDS * 2**retries)


def _begin(evidence_id: int) -> Evidence | None:
    """Claim one attempt: only pending evidence is captured, so a duplicate or
    late task finds nothing to do once the capture has been recorded."""
    evidence = Evidence.objects.filter(pk=evidence_id).only("id", "url", "capture_status", "capture_attempts").first()
    if evidence is None or evidence.capture_status != Status.PENDING or not evidence.url:
        return None
    claimed = Evidence.objects.filter(
        pk=evidence_id, capture_status=Status.PENDING, capture_attempts=evidence.capture_attempts
    ).update(capture_attempts=evidence.capture_attempts + 1)
    return evidence if claimed == 1 else None


def capture_now(evidence_id: int, retries: int = 0) -> None:
    """Capture one pending evidence URL.

    1. Claim the attempt (return if the evidence is gone or not pending).
    2. Ask the backend; on failure record it, and raise CaptureRetry when the
       failure is transient and retries remain.
    3. Store the bytes once per SHA-256 and record the snapshot.
    """
    evidence = _begin(evidence_id)
    if evidence is None:
        return None
    # The database's attempt count, not the task's: a capture re-sent by the
    # reconciler starts a new task at retries=0 and must not retry forever.
    retries = max(retries, evidence.capture_attempts)
    source = backend()
    try:
        result = source.capture(evidence.url)
    except CaptureError as exc:
        retry_in = retry_window(retries) if exc.transient and retries < settings.CAPTURE_MAX_RETRIES else None
        _record_failure(evidence_id, exc.reason, exc.transient, retry_in, retries)
        if retry_in is not None:
            raise CaptureRetry(exc.reason) from exc
        return
    try:
        _record_capture(evidence_id, source.name, result)
    finally:
        result.cleanup()


def _record_failure(evidence_id: int, reason: str, transient: bool, retry_in: int | None, retries: int) -> None:
    """The evidence stays attached; its status says why it has no snapshot."""
    if retry_in is not None:
        message = (
            f"{reason} (attempt {retries + 1} of {settings.CAPTURE_MAX_RETRIES + 1}; retrying within {retry_in} s)"
        )
    else:
        message = f"{reason}" + (" (gave up after the last retry)" if transient else "")
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
        if evidence is None or evidence.capture_status != Status.PENDING:
            return
        evidence.capture_status = Status.PENDING if retry_in is not None else Status.FAILED
        evidence.capture_error = message
        evidence.save(update_fields=["capture_status", "capture_error"])
        CustodyEvent.objects.create(
            evidence=evidence,
            action=Action.CAPTURE_FAILED,
            detail={"reason": reason, "transient": transient, "attempt": retries + 1, "retry_within_seconds": retry_in},
        )
    logger.info("Capture of evidence %s failed: %s", evidence_id, message)


def _record_capture(evidence_id: int, backend_name: str, result: Capture) -> None:
    """Store the page and its web archive, then record both.

    1. Spool the body, hashing it; it must be the bytes the backend hashed.
    2. Write the WARC of the fetch from those spooled bytes (when the backend
       saw the HTTP exchange), before the page's spool file is moved away.
    3. Store each once per SHA-256.
    4. In one transaction: the snapshot, the evidence's status, and the
       custody events ``captured`` and ``warc_written``, each with its hash.
    """
    with result.open() as body:
        spooled = evidence_storage.spool(body, max_bytes=settings.CAPTURE_MAX_BYTES, allow_empty=True)
    if spooled.sha256 != result.sha256:  # the bytes changed between fetch and store
        spooled.path.unlink(missing_ok=True)
        raise RuntimeError(f"capture of evidence {evidence_id}: stored bytes do not match the fetched hash")
    spooled.content_type = result.content_type  # the fetcher also weighs the server's word for text types
    try:
        written = _write_warc(evidence_id, result, spooled)
    except BaseException:
        spooled.path.unlink(missing_ok=True)
        raise
    try:
        stored, created = evidence_storage.store(spooled, result.final_url.rsplit("/", 1)[-1][:100])
    except BaseException:
        if written:
            written.spooled.path.unlink(missing_ok=True)
        raise
    warc, warc_created = (
        evidence_storage.store(written.spooled, f"evidence-{evidence_id}.warc.gz") if written else (None, False)
    )
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
        if evidence is None or evidence.capture_status != Status.PENDING:
            # Deleted meanwhile, or a duplicate task got there first.
            for kept, new in ((stored, created), (warc, warc_created)):
                if new:
                    evidence_storage.discard_if_unused(kept)
            return
        snapshot = Snapshot.objects.create(
            evidence=evidence,
            stored_file=stored,
            warc=warc,
            requested_url=result.requested_url,
            final_url=result.final_url,
            status_code=result.status_code,
            headers=result.headers,
            redirects=result.redirects,
            backend=backend_name,
            captured_at=result.captured_at,
        )
        evidence.capture_status, evidence.capture_error, evidence.sha256 = Status.CAPTURED, "", stored.sha256
        evidence.save(update_fields=["capture_status", "capture_error", "sha256"])
        previews.request(stored)  # a captured image, PDF or video gets a preview too
        metadata.request(stored)
        keyframes.request(stored)  # a captured video's keyframes
        timestamps.request(evidence)  # trusted time for the captured bytes' hash, when configured
        _custody_captured(evidence, snapshot, stored, created, backend_name, result)
        if warc is not None:
            _custody_warc(evidence, snapshot, warc, written, result)


def _write_warc(evidence_id: int, result: Capture, spooled) -> archives.Written | None:
    if result.exchange is None:
        return None
    with open(spooled.path, "rb") as body:
        return archives.write(
            exchange=result.exchange,
            target_uri=result.final_url,
            captured_at=result.captured_at,
            body=body,
            body_size=spooled.size,
            body_sha256=spooled.sha256,
            evidence_id=evidence_id,
        )


def _custody_captured(evidence, snapshot, stored, created: bool, backend_name: str, result: Capture) -> None:
    CustodyEvent.objects.create(
        evidence=evidence,
        action=Action.CAPTURED,
        sha256=stored.sha256,
        detail={
            "snapshot_id": snapshot.pk,
            "final_url": result.final_url,
            "status_code": result.status_code,
            "size": stored.size,
            "content_type": stored.content_type,
            "redirects": len(result.redirects),
            "backend": backend_name,
            "deduplicated": not created,
            **result.detail,
        },
    )


def _custody_warc(evidence, snapshot, warc: StoredFile, written: archives.Written, result: Capture) -> None:
    """The archive's own hash, so a copy handed to a court can be checked against the log."""
    CustodyEvent.objects.create(
        evidence=evidence,
        action=Action.WARC_WRITTEN,
        sha256=warc.sha256,
        detail={
            "snapshot_id": snapshot.pk,
            "stored_file_id": warc.pk,
            "size": warc.size,
            "target_uri": result.final_url,
            "status_code": result.status_code,
            "response_record_id": written.response_record_id,
            "payload_digest": written.payload_digest,
        },
    )


# --- Re-verification ------------------------------------------------------------------


def rehash(stored: StoredFile, chunk_size: int = evidence_storage.CHUNK_SIZE) -> str | None:
    """SHA-256 of the bytes in storage now, or None if they are gone."""
    digest = evidence_storage.StreamingDigest()
    try:
        with stored.file.storage.open(stored.file.name, "rb") as handle:
            handle: BinaryIO
            while chunk := handle.read(chunk_size):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def reverify_all() -> dict:
    """Re-hash every stored file; flag each mismatch loudly. Returns counts."""
    counts = {"verified": 0, "mismatched": 0, "unreadable": 0}
    for stored_id in StoredFile.objects.order_by("pk").values_list("pk", flat=True).iterator():
        stored = StoredFile.objects.filter(pk=stored_id).first()
        if stored is None:
            continue
        try:
            ok = reverify_one(stored)
        except OSError:
            # Storage unreachable is not tampering: log it, try again next run.
            logger.exception("Could not read stored file %s to re-verify it", stored_id)
            counts["unreadable"] += 1
            continue
        counts["verified" if ok else "mismatched"] += 1
    logger.info("Re-verified stored files: %s", counts)
    return counts


def _affected_evidence(stored: StoredFile) -> list[Evidence]:
    direct = Evidence.objects.filter(stored_file=stored)
    via_snapshot = Evidence.objects.filter(snapshots__stored_file=stored)
    via_warc = Evidence.objects.filter(snapshots__warc=stored)
    return list((direct | via_snapshot | via_warc).distinct().order_by("pk"))


def reverify_one(stored: StoredFile) -> bool:
    """Compare the bytes in storage with the hash taken at intake.

    1. Re-hash in chunks (outside any transaction: it may take a while).
    2. Update the row only if nobody verified it meanwhile (a duplicate or
       overlapping run writes nothing twice).
    3. Write custody for every evidence item using these bytes; on a mismatch
       also a claim event and a notification to every editor.
    """
    found = rehash(stored)
    ok = found == stored.sha256
    now = timezone.now()
    with transaction.atomic():
        changed = StoredFile.objects.filter(pk=stored.pk, last_verified_at=stored.last_verified_at).update(
            last_verified_at=now, integrity_ok=ok
        )
        if changed != 1:
            return ok
        detail = {
            "stored_file_id": stored.pk,
            "found_sha256": found,
            "ok": ok,
            **({"restored": True} if ok and not stored.integrity_ok else {}),
        }
        for evidence in _affected_evidence(stored):
            CustodyEvent.objects.create(
                evidence=evidence,
                action=Action.VERIFIED if ok else Action.MISMATCH,
                sha256=stored.sha256,
                detail=detail,
            )
            if not ok and stored.integrity_ok:
                _flag(evidence, stored, found)  # once per alarm, not on every run until it is fixed
    if not ok:
        logger.error("Integrity check failed for stored file %s (%s): found %s", stored.pk, stored.sha256, found)
    return ok


def _flag(evidence: Evidence, stored: StoredFile, found: str | None) -> None:
    values = {"number": evidence.claim_id, "title": evidence.title, "found": found, "recorded": stored.sha256}

    def message():
        if found is None:
            return (
                gettext(
                    "Integrity alarm on claim %(number)s: the stored bytes of evidence “%(title)s” is missing from "
                    "storage, not %(recorded)s as recorded at intake. Restore the file from backup or re-capture it, "
                    "and check who had access."
                )
                % values
            )
        return (
            gettext(
                "Integrity alarm on claim %(number)s: the stored bytes of evidence “%(title)s” now hashes to "
                "%(found)s, "
                "not %(recorded)s as recorded at intake. Restore the file from backup or re-capture it, and check who "
                "had access."
            )
            % values
        )

    claim = Claim.objects.select_for_update().get(pk=evidence.claim_id)
    record(
        claim,
        ClaimEvent.Kind.EVIDENCE,
        None,
        note=message(),
        changes={
            "evidence_id": evidence.pk,
            "action": "integrity_mismatch",
            "expected_sha256": stored.sha256,
            "found_sha256": found,
        },
    )
    notify(
        editors(),
        Notification.Kind.INTEGRITY,
        claim,
        message,
        dedup_key=f"integrity:{evidence.pk}:{stored.pk}:{found or 'missing'}",
    )
