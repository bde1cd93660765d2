"""Trusted time: an RFC 3161 timestamp token for each evidence item's SHA-256.

Off unless the operator sets CLAIMDESK_TSA_URL (and CLAIMDESK_TSA_CA_FILE, the
authority's root certificate). A token says that a third party saw this hash at
its time: the bytes existed then, whatever our own clock or database says.

1. ``request(evidence)`` runs in the transaction that stores the item's hash
   (an upload, a capture): a pending TrustedTimestamp row for (item, hash) and
   the task ``stamp_evidence_hash`` after commit. Nothing at all when unset.
2. ``stamp(timestamp_id)`` in a worker: a TimeStampReq whose message imprint is
   the item's SHA-256 itself (so ``openssl ts -verify -digest <sha256>`` checks
   it), POSTed only to CLAIMDESK_TSA_URL (the SSRF-safe fetcher, no redirects,
   a size cap and timeouts); the answer is verified with rfc3161-client against
   the CA file (signature, chain, the timeStamping key usage, our nonce) and its
   imprint compared with ours. Only then are the token, its time, the
   authority's name and the serial stored, with a ``timestamped`` custody entry.
   An answer that does not verify is refused (``timestamp_refused``, the reason,
   nothing of it kept); an authority that cannot be reached is retried with
   backoff (TimestampRetry), then recorded as failed.

Only the hash leaves the desk, never the file.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rfc3161_client import (
    TimeStampRequest,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client._rust import parse_timestamp_request

from verification import enqueue
from verification.evidence.fetching import FetchError, FetchFailed, FetchPolicy, fetch
from verification.models import CustodyEvent, Evidence, TrustedTimestamp

Status = TrustedTimestamp.Status
# A TimeStampResp is a signed structure of a few kilobytes with its certificates; anything
# much larger is not an answer to our question.
MAX_RESPONSE_BYTES = 256 * 1024
SWEEP_BATCH = 200
SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
# AlgorithmIdentifier { id-sha256, NULL }, DER.
_SHA256_ALGORITHM = bytes.fromhex("300d06096086480165030402010500")


class TimestampRetry(Exception):
    """The authority could not be reached or answered 5xx: worth another try later."""


class Refused(Exception):
    """The authority's answer does not verify; the message says why, for the page."""


def enabled() -> bool:
    return bool(settings.TSA_URL)


def request(evidence: Evidence) -> TrustedTimestamp | None:
    """In the caller's transaction: a pending row for the item's current hash and
    the task after commit; once per (item, hash). Nothing when trusted time is off."""
    if not enabled() or not evidence.sha256:
        return None
    row, created = TrustedTimestamp.objects.get_or_create(
        evidence=evidence, sha256=evidence.sha256, defaults={"tsa_url": settings.TSA_URL}
    )
    if created:
        enqueue.after_commit(enqueue.STAMP_EVIDENCE_HASH, row.pk)
    return row


# --- The request -------------------------------------------------------------------


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    length = (
        bytes([size])
        if size < 128
        else bytes([0x80 | ((size.bit_length() + 7) // 8)]) + size.to_bytes((size.bit_length() + 7) // 8, "big")
    )
    return bytes([tag]) + length + body


def _der_integer(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))  # a leading 0 keeps it positive


def timestamp_query(sha256_hex: str, nonce: int) -> bytes:
    """The DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 we already have.

    rfc3161-client's builder hashes the data it is given, which would mean
    reading the whole file into memory (uploads go to 500 MB) or timestamping a
    hash of the hash; the request is five fields, so it is written here, and
    read back with rfc3161-client's own parser before it is sent."""
    imprint = _der(0x30, _SHA256_ALGORITHM + _der(0x04, bytes.fromhex(sha256_hex)))
    certificate_wanted = _der(0x01, b"\xff")  # certReq TRUE: the answer carries the signer's certificate
    return _der(0x30, _der_integer(1) + imprint + _der_integer(nonce) + certificate_wanted)


def _policy() -> FetchPolicy:
    return FetchPolicy(
        max_redirects=0,  # the operator's URL, and only it
        max_bytes=MAX_RESPONSE_BYTES,
        connect_timeout=settings.TSA_TIMEOUT_SECONDS,
        read_timeout=settings.TSA_TIMEOUT_SECONDS,
        total_timeout=settings.TSA_TIMEOUT_SECONDS * 2,
        allow_loopback=settings.ALLOW_LOOPBACK_FETCH,
        user_agent="Claimdesk/1.0 (RFC 3161 timestamp request)",
    )


def _ask(url: str, query: bytes) -> bytes:
    try:
        answer = fetch(
            url, _policy(), method="POST", data=query, headers={"Content-Type": "application/timestamp-query"}
        )
    except FetchFailed as failure:
        if failure.transient:
            raise TimestampRetry(
                gettext("The timestamp authority did not answer: %(failure_reason)s.")
                % {"failure_reason": failure.reason}
            ) from None
        raise Refused(
            gettext("The timestamp authority refused the request: %(failure_reason)s.")
            % {"failure_reason": failure.reason}
        ) from None
    except FetchError as failure:
        raise Refused(
            gettext("The timestamp authority could not be asked: %(failure_reason)s.")
            % {"failure_reason": failure.reason}
        ) from None
    if answer.body is None:  # over the in-memory limit: cannot happen under MAX_RESPONSE_BYTES, but never read a file
        raise Refused(gettext("The timestamp authority's answer is too large to be a timestamp."))
    return answer.body


# --- Verification ------------------------------------------------------------------


def _trusted_certificates() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(roots, intermediates) from CLAIMDESK_TSA_CA_FILE: self-issued certificates are roots."""
    with open(settings.TSA_CA_FILE, "rb") as handle:
        certificates = x509.load_pem_x509_certificates(handle.read())
    roots = [c for c in certificates if c.subject == c.issuer]
    return roots, [c for c in certificates if c.subject != c.issuer]


def _short(error: Exception) -> str:
    """The error without OpenSSL's stack, which means nothing to a reader, but with
    the stack's last word on why (say, "unable to get local issuer certificate")."""
    text, _, stack = str(error).partition(": ErrorStack")
    why = re.findall(r'data: "([^"]+)"', stack) or re.findall(r'reason: "([^"]+)"', stack)
    return (f"{text} ({why[-1]})" if why else text)[:300]


def verify(answer: bytes, query: TimeStampRequest, sha256_hex: str) -> TimeStampResponse:
    """The decoded response if it is a granted, verified token over our hash; else Refused.

    Checked: the response parses and is granted; the CMS signature is valid and
    its certificate chains to CLAIMDESK_TSA_CA_FILE at the token's time, with the
    critical timeStamping key usage; the nonce is ours; and the message imprint
    is SHA-256 and equals the item's hash."""
    try:
        response = decode_timestamp_response(answer)
    except ValueError as error:
        raise Refused(
            gettext("The answer is not a timestamp response (%(error)s).") % {"error": _short(error)}
        ) from None
    if response.status not in (0, 1):  # granted, granted with modifications
        said = "; ".join(response.status_string) or "no reason given"
        raise Refused(
            gettext("The timestamp authority did not grant a timestamp (status %(response_status)s: %(said)s).")
            % {"response_status": response.status, "said": said}
        )
    imprint = response.tst_info.message_imprint
    if imprint.hash_algorithm != SHA256_OID or imprint.message != bytes.fromhex(sha256_hex):
        raise Refused(gettext("The token is for a different hash than the item's SHA-256 (wrong message imprint)."))
    roots, intermediates = _trusted_certificates()
    if not roots:
        raise Refused(gettext("CLAIMDESK_TSA_CA_FILE holds no root certificate to verify against."))
    builder = VerifierBuilder.from_request(query)
    for certificate in roots:
        builder = builder.add_root_certificate(certificate)
    for certificate in intermediates:
        builder = builder.add_intermediate_certificate(certificate)
    try:
        builder.build().verify(response, bytes.fromhex(sha256_hex))
    except (VerificationError, ValueError) as error:
        raise Refused(
            gettext("The token's signature does not verify against CLAIMDESK_TSA_CA_FILE: %(error)s.")
            % {"error": _short(error)}
        ) from None
    return response


def _signer_name(response: TimeStampResponse) -> str:
    """The TSA's name in the token, else its signing certificate's common name."""
    name = response.tst_info.name
    value = getattr(name, "value", None)
    if isinstance(value, x509.Name):
        common = value.get_attributes_for_oid(NameOID.COMMON_NAME)
        return (common[0].value if common else value.rfc4514_string())[:500]
    signer = next(iter(response.signed_data.signer_infos), None)
    return signer.issuer.rfc4514_string()[:500] if signer is not None else ""


# --- The worker's part -------------------------------------------------------------


def stamp(timestamp_id: int, retries_left: int = 0) -> str | None:
    """Ask for, verify and store one token; the status recorded, or None when there
    is nothing to do (the row is gone or finished, or trusted time was turned off).

    1. Re-read the row; only a pending one is worked on.
    2. Ask the authority (TimestampRetry while retries are left; failed after).
    3. Verify; a refusal is recorded with its reason and nothing of the answer.
    4. Store the token with a ``timestamped`` custody entry, once (conditional update)."""
    row = TrustedTimestamp.objects.filter(pk=timestamp_id).first()
    if row is None or row.status != Status.PENDING or not enabled():
        return None
    TrustedTimestamp.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, tsa_url=settings.TSA_URL)
    query = timestamp_query(row.sha256, secrets.randbits(63))
    parsed = parse_timestamp_request(query)  # our DER, read back by the library that will check the answer
    try:
        response = verify(_ask(settings.TSA_URL, query), parsed, row.sha256)
    except TimestampRetry as failure:
        if retries_left > 0:
            TrustedTimestamp.objects.filter(pk=row.pk, status=Status.PENDING).update(reason=f"{failure} Trying again.")
            raise
        return _finish(row, Status.FAILED, reason=f"{failure} Gave up after {row.attempts + 1} attempts.")
    except Refused as refusal:
        return _finish(row, Status.REFUSED, reason=str(refusal))
    info = response.tst_info
    return _finish(
        row,
        Status.STAMPED,
        token=response.as_bytes(),
        gen_time=info.gen_time,
        tsa_name=_signer_name(response),
        serial_number=str(info.serial_number),
        policy=info.policy.dotted_string,
        reason="",
    )


def _finish(row: TrustedTimestamp, status: str, **values) -> str | None:
    custody = {Status.STAMPED: CustodyEvent.Action.TIMESTAMPED, Status.REFUSED: CustodyEvent.Action.TIMESTAMP_REFUSED}
    with transaction.atomic():
        changed = TrustedTimestamp.objects.filter(pk=row.pk, status=Status.PENDING).update(
            status=status, finished_at=timezone.now(), **values
        )
        if not changed:  # another worker finished it first
            return None
        if status in custody:
            detail = {"timestamp_id": row.pk, "tsa_url": settings.TSA_URL}
            if status == Status.STAMPED:
                detail.update(
                    gen_time=values["gen_time"].isoformat(),
                    tsa=values["tsa_name"],
                    serial_number=values["serial_number"],
                    policy=values["policy"],
                )
            else:
                detail["reason"] = values["reason"]
            CustodyEvent.objects.create(
                evidence_id=row.evidence_id, action=custody[status], sha256=row.sha256, detail=detail
            )
    return status


def sweep(now=None) -> dict[str, int]:
    """Re-send requests no worker finished (a lost task), at most SWEEP_BATCH."""
    if not enabled():
        return {"resent": 0}
    grace = (now or timezone.now()) - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    again = list(
        TrustedTimestamp.objects.filter(status=Status.PENDING, requested_at__lt=grace)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )  # timestamp_pending_idx
    for timestamp_id in again:
        enqueue.send(enqueue.STAMP_EVIDENCE_HASH, timestamp_id, expires=settings.PREVIEW_SWEEP_SECONDS)
    return {"resent": len(again)}


def for_items(items, with_token: bool = False) -> dict[int, list[TrustedTimestamp]]:
    """Evidence id → its timestamps, newest first (the token bytes only if asked): one query."""
    found: dict[int, list[TrustedTimestamp]] = {item.pk: [] for item in items}
    if not any(item.sha256 for item in items):  # no hash, no timestamp: and no query (pinned page counts)
        return found
    rows = TrustedTimestamp.objects.filter(evidence_id__in=list(found)).order_by("-requested_at", "-id")
    if not with_token:
        rows = rows.defer("token")
    for row in rows:
        found[row.evidence_id].append(row)
    return found
