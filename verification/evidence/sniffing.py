"""What a body of bytes is, read from its first bytes: the one content sniffer
for uploads (verification.evidence.storage) and fetched pages and captures
(verification.evidence.fetching).

A label (the client's Content-Type, the server's header) can call anything
anything, so it never decides the type: a signature puremagic knows wins, and
bytes with no signature are text or binary by the WHATWG test. The server's
word only picks among text types (a JSON API, an XML feed), and only when the
caller passes it; uploads do not, so a client's label counts for nothing.

Pure Python, no Django, like the fetcher that uses it.
"""

from __future__ import annotations

import puremagic

SNIFF_BYTES = 64 * 1024  # enough for every signature puremagic knows

# Bytes that never occur in text (WHATWG MIME sniffing, "binary data byte").
_BINARY = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# Declared types that may name text bytes more precisely than text/plain.
_TEXTUAL = ("text/", "application/json", "application/xml", "+json", "+xml")

OCTET_STREAM = "application/octet-stream"


def sniff(head: bytes | bytearray, declared: str = "") -> str:
    """The content type the first bytes (`head`, at most SNIFF_BYTES) show.

    1. A signature puremagic knows, in the bytes as sent or after a UTF-8 BOM
       and leading whitespace (an HTML page often starts with either).
    2. Otherwise, any binary data byte: application/octet-stream.
    3. Otherwise text: the `declared` type if it is a text type, else
       text/plain. An empty body is text too, as WHATWG reads it.
    """
    head = bytes(head[:SNIFF_BYTES])
    for candidate in (head, head.removeprefix(b"\xef\xbb\xbf").lstrip()):
        try:
            if candidate and (mime := puremagic.from_string(candidate, mime=True)):
                return mime
        except puremagic.PureError:
            pass  # no signature matched: fall through to the text test
    if not _BINARY.isdisjoint(head):
        return OCTET_STREAM
    declared = declared.split(";")[0].strip().lower()
    return declared if declared and any(t in declared for t in _TEXTUAL) else "text/plain"
