"""One sniffer for uploads and fetched pages: the bytes decide the type; a
server's label only names a text type for text bytes, and a client's label
on an upload counts for nothing."""

import pytest

from tests.evidence.evidence_support import PAGE, PNG, upload
from verification.evidence.sniffing import sniff
from verification.evidence.writes import add_evidence_file

CSV = b"date,soldiers\n2024-11-01,11000\n"  # no signature: text only by the WHATWG test
ARRAY = b"[11000, 12000]"  # JSON that puremagic does not recognise


@pytest.mark.parametrize(
    "head, declared, expected",
    [
        (PNG, "text/html", "image/png"),  # a signature beats any label
        (b"\xef\xbb\xbf\n  " + PAGE, "", "text/html"),  # found past a BOM and leading blanks
        (ARRAY, "application/json; charset=utf-8", "application/json"),
        (CSV, "text/csv", "text/csv"),
        (b"<rss version='2.0'><channel/></rss>", "application/rss+xml", "application/rss+xml"),
        (ARRAY, "", "text/plain"),
        (CSV, "image/png", "text/plain"),  # a label that is not a text type is ignored
        (b"\x00\x01\x02 binary", "text/plain", "application/octet-stream"),
        (b"", "", "text/plain"),  # WHATWG: no binary byte, so text
    ],
)
def test_it_reads_the_type_from_the_bytes(head, declared, expected):
    assert sniff(head, declared) == expected


def test_it_ignores_the_type_a_client_gives_an_upload_even_for_text(alice, make_claim, media_root):
    evidence = add_evidence_file(alice, make_claim().id, upload(CSV, "figures.csv", "text/csv"))
    assert evidence.stored_file.content_type == "text/plain"
    assert evidence.custody.get(action="uploaded").detail["declared_type"] == "text/csv"
