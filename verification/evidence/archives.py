"""Web archives of captures: one WARC file per fetch, and its page read back as text.

A URL capture (verification.evidence.capture) stores the body it fetched as a
snapshot; beside it, `write` makes a WARC 1.1 file (ISO 28500, the format web
archives and courts take) of the same fetch with warcio:

1. a ``warcinfo`` record: what wrote the file, and for which evidence;
2. the ``request`` record: the request line and headers we sent on the final
   hop (redirects are listed on the snapshot, not archived);
3. the ``response`` record: the status line and headers as the server sent
   them, then the body bytes the fetcher read, within CLAIMDESK_CAPTURE_MAX_BYTES.

Each record is gzip-compressed on its own, as .warc.gz files usually are. The
fetcher undoes Content-Encoding and chunking while it reads, so the record
holds the decoded body; the header lines that described the encoding on the
wire are kept under an ``X-Archive-Orig-`` name (pywb's convention), so a
reader is not told to decode the body again. Digests are SHA-256: the
response's ``WARC-Payload-Digest`` is the snapshot's own hash, in base 32.

The file is stored like every other evidence bytes (verification.evidence.storage),
so it has its own SHA-256, written to the custody log by the capture.

`archived_text` reads the response record back and returns the page's main
text (verification.intake.extraction.html_to_text): the archived HTML is never
rendered, and nothing it links to is ever loaded.
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from verification.evidence.storage import Spooled, StreamingDigest
from verification.intake.articles import decode  # the charset rules intake reads pages by
from verification.intake.extraction import html_to_text
from verification.models import Snapshot

CONTENT_TYPE = "application/warc"
# Header lines that describe how the body travelled, not the body we keep.
_WIRE_ENCODING = frozenset({"content-encoding", "transfer-encoding"})
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class HttpExchange:
    """The final hop of a fetch as it went over the wire (from fetching.FetchResult)."""

    method: str
    request_headers: tuple[tuple[str, str], ...]
    http_version: str
    status_code: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    ip: str


@dataclass(frozen=True)
class Written:
    """A WARC file in a private spool file, ready for storage.store()."""

    spooled: Spooled
    response_record_id: str
    payload_digest: str


class _Sha256Writer(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests (its default is SHA-1)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")


class _HashingFile:
    """A write-only file that hashes what passes through it, so the WARC's
    SHA-256 is known once it is written, without reading it again."""

    def __init__(self, handle):
        self.handle, self.digest = handle, StreamingDigest()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def payload_digest(sha256_hex: str) -> str:
    """A hex SHA-256 as a WARC digest (``sha256:`` and base 32, as warcio writes it)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode()


def _response_headers(exchange: HttpExchange, body_size: int) -> list[tuple[str, str]]:
    headers = []
    for name, value in exchange.response_headers:
        lower = name.lower()
        if lower in _WIRE_ENCODING or lower == "content-length":
            headers.append((f"X-Archive-Orig-{name}", value))
        else:
            headers.append((name, value))
    return [*headers, ("Content-Length", str(body_size))]


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def write(
    *,
    exchange: HttpExchange,
    target_uri: str,
    captured_at: datetime,
    body: BinaryIO,
    body_size: int,
    body_sha256: str,
    evidence_id: int,
) -> Written:
    """A WARC of one fetch, spooled to a private temp file (the caller stores or deletes it).

    1. Open a spool file; every byte written to it is hashed on the way.
    2. Write the warcinfo record.
    3. Write the request and response records as a pair (the request names
       the response it belongs to); the body is streamed from ``body``.
    """
    date = datetime_to_iso_date(captured_at.replace(tzinfo=None), use_micros=True)
    handle = tempfile.NamedTemporaryFile(prefix="claimdesk-warc-", dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False)
    path = Path(handle.name)
    try:
        with handle:
            out = _HashingFile(handle)
            writer = _Sha256Writer(out, gzip=True, warc_version="1.1")
            info = writer.create_warcinfo_record(
                f"evidence-{evidence_id}.warc.gz",
                {
                    "software": f"Claimdesk evidence capture (warcio {version('warcio')})",
                    "format": "WARC File Format 1.1",
                    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                    "description": f"Capture of evidence {evidence_id}: the final hop of one fetch",
                },
            )
            info.rec_headers.replace_header("WARC-Date", date)
            writer.write_record(info)
            info_id = info.rec_headers.get_header("WARC-Record-ID")
            response = writer.create_warc_record(
                target_uri,
                "response",
                payload=body,
                length=body_size,
                warc_headers_dict={
                    "WARC-Date": date,
                    "WARC-IP-Address": exchange.ip,
                    "WARC-Warcinfo-ID": info_id,
                    "WARC-Payload-Digest": payload_digest(body_sha256),
                },
                http_headers=StatusAndHeaders(
                    f"{exchange.status_code} {exchange.reason}".strip(),
                    _response_headers(exchange, body_size),
                    protocol=exchange.http_version,
                ),
            )
            request = writer.create_warc_record(
                target_uri,
                "request",
                warc_headers_dict={"WARC-Date": date, "WARC-Warcinfo-ID": info_id},
                http_headers=StatusAndHeaders(
                    f"{exchange.method} {_request_target(target_uri)} HTTP/1.1",
                    list(exchange.request_headers),
                    is_http_request=True,
                ),
            )
            writer.write_request_response_pair(request, response)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    digest = out.digest
    return Written(
        Spooled(path, digest.hexdigest(), digest.size, CONTENT_TYPE, digest.chunks),
        response_record_id=response.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=response.rec_headers.get_header("WARC-Payload-Digest"),
    )


# --- Reading it back ---------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedText:
    """What the desk shows of an archived page: never its markup."""

    target_uri: str = ""
    status_line: str = ""
    content_type: str = ""
    title: str = ""
    text: str = ""
    truncated: bool = False
    reason: str = ""  # why there is no text


def _read_response(handle: BinaryIO, limit: int) -> tuple[ArchivedText, bytes]:
    for record in ArchiveIterator(handle):
        if record.rec_type != "response":
            continue
        http = record.http_headers
        found = ArchivedText(
            target_uri=record.rec_headers.get_header("WARC-Target-URI") or "",
            status_line=f"{http.protocol} {http.statusline}" if http else "",
            content_type=(http.get_header("Content-Type") or "") if http else "",
        )
        return found, record.content_stream().read(limit + 1)
    return ArchivedText(reason="The web archive holds no response record."), b""


def archived_text(snapshot: Snapshot) -> ArchivedText:
    """The main text of the page in ``snapshot``'s WARC, read from its response
    record, at most CLAIMDESK_ARCHIVE_TEXT_MAX_BYTES of the body."""
    if snapshot.warc is None:
        return ArchivedText(reason="This capture has no web archive (it was made before archives were written).")
    limit = settings.ARCHIVE_TEXT_MAX_BYTES
    try:
        with snapshot.warc.file.storage.open(snapshot.warc.file.name, "rb") as handle:
            found, body = _read_response(handle, limit)
    except FileNotFoundError:
        return ArchivedText(reason="The web archive is missing from storage; the integrity check will flag it.")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        return ArchivedText(reason=f"The web archive could not be read: {exc}")
    if found.reason:
        return found
    media_type = found.content_type.split(";")[0].strip().lower()
    if not media_type.startswith(_TEXT_TYPES):
        return _replace(found, reason=f"The archived response is {media_type or 'of no declared type'}, not a page.")
    truncated = len(body) > limit
    page = decode(body[:limit], found.content_type)
    if media_type == "text/plain":
        return _replace(found, text=page, truncated=truncated)
    title, text = html_to_text(page)
    return _replace(found, title=title, text=text, truncated=truncated, reason="" if text else "No main text found.")


def _replace(found: ArchivedText, **changes) -> ArchivedText:
    return ArchivedText(**{**found.__dict__, **changes})
