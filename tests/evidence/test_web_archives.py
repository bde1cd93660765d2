"""Web archives of URL captures: a WARC of each fetch, read back by warcio,
its SHA-256 in the custody log, downloadable by the desk only, and the
archived page shown as text, never as HTML. Every page is served on loopback."""

import gzip
import hashlib
import io
import threading
import zlib

import pytest
from django.test import Client
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

from tests.evidence.conftest import _EvidenceHandler, _Server
from tests.evidence.evidence_support import PNG, custody, sha256sum
from verification.api.keys import create_key
from verification.evidence.archives import payload_digest
from verification.evidence.writes import add_evidence_url
from verification.models import Snapshot, StoredFile
from verification.tasks import capture_evidence

pytestmark = pytest.mark.usefixtures("no_outside_connections", "fake_dns", "media_root")

ARTICLE = (
    b"<!DOCTYPE html><html><head><title>Camp footage released</title>"
    b"<style>body{background:url(http://example.org/bg.png)}</style>"
    b'<script src="http://example.org/tracker.js"></script><script>alert("archived")</script></head>'
    b"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Camp footage released</h1>"
    b"<p>The Center for Strategic Communication released footage of soldiers at a training camp on Tuesday, "
    b"without saying where or when it was filmed.</p>"
    b"<p>Reporters who asked for the original file were told it could not be shared for security reasons, "
    b"and the newsroom could not verify the footage independently.</p>"
    b'<img src="http://example.org/photo.jpg" alt="A camp"></article>'
    b"<footer>Copyright 2026 Example News</footer></body></html>"
)


class _ArchiveHandler(_EvidenceHandler):
    """Pages for the archive tests: an article with two cookies, the same
    article gzip-encoded on the wire, and a body cut short."""

    def do_GET(self):
        if self.path == "/article":
            self.server.seen.append((self.command, self.path, self.headers.get("Host")))
            self.send_response(200, "Fine Thanks")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Set-Cookie", "a=1")
            self.send_header("Set-Cookie", "b=2")
            self.send_header("Content-Length", str(len(ARTICLE)))
            self.end_headers()
            self.wfile.write(ARTICLE)
        elif self.path == "/gzipped":
            body = gzip.compress(ARTICLE)
            self._send(
                200,
                body,
                [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", len(body))],
            )
        elif self.path == "/cut-short":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(ARTICLE[:200])  # then the connection closes
        elif self.path == "/odd-headers":
            self.server.seen.append((self.command, self.path, self.headers.get("Host")))
            body = b"<html><body><p>Odd headers.</p></body></html>"
            self.wfile.write(
                b"HTTP/1.1 203 Non-Authoritative\r\nContent-Type: text/html\r\nX-Note: caf\xe9\r\n"
                b"X-Long: " + b"x" * 8000 + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
                b"Connection: close\r\n\r\n" + body
            )
        elif self.path == "/png":
            self._send(200, PNG, [("Content-Type", "image/png"), ("Content-Length", len(PNG))])
        else:
            super().do_GET()


@pytest.fixture
def server():
    server = _Server(("127.0.0.1", 0), _ArchiveHandler)
    server.seen, server.stop = [], threading.Event()
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


def captured(user, claim, url) -> Snapshot | None:
    evidence = add_evidence_url(user, claim.id, url, title="Camp footage")
    capture_evidence(evidence.id)
    return Snapshot.objects.select_related("warc", "stored_file", "evidence").filter(evidence=evidence).first()


def records(stored: StoredFile) -> list:
    """(type, target URI, WARC headers, HTTP headers, content) of every record, read by warcio."""
    with stored.file.open("rb") as handle:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers,
                r.http_headers,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(handle)
        ]


def response_record(stored: StoredFile) -> tuple:
    (found,) = [r for r in records(stored) if r[0] == "response"]
    return found


def gzip_members(data: bytes) -> int:
    count = 0
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        inflater.decompress(data)
        data, count = inflater.unused_data, count + 1
    return count


def test_it_writes_a_warc_of_the_fetch_that_warcio_reads_back(alice, make_claim, server):
    url = server.url("/article")
    snapshot = captured(alice, make_claim(), url)

    assert snapshot.warc is not None and snapshot.warc.content_type == "application/warc"
    found = records(snapshot.warc)
    assert [r[0] for r in found] == ["warcinfo", "response", "request"]  # warcio's order for a pair
    _, target, warc_headers, http, payload = found[1]
    _, request_uri, request_warc_headers, request_http, _ = found[2]
    assert request_warc_headers.get_header("WARC-Concurrent-To") == warc_headers.get_header("WARC-Record-ID")
    assert target == request_uri == url
    # The status line as the server sent it (http.server answers HTTP/1.0), its own reason phrase too.
    assert (http.protocol, http.statusline) == ("HTTP/1.0", "200 Fine Thanks")
    assert [v for k, v in http.headers if k == "Set-Cookie"] == ["a=1", "b=2"]  # both, in order
    assert http.get_header("Content-Type") == "text/html; charset=utf-8"
    assert payload == ARTICLE == snapshot.stored_file.file.open("rb").read()
    assert warc_headers.get_header("WARC-Payload-Digest") == payload_digest(hashlib.sha256(ARTICLE).hexdigest())
    assert warc_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert request_http.protocol == "GET" and request_http.statusline.startswith("/article HTTP/1.1")
    assert request_http.get_header("Host") == f"127.0.0.1:{server.server_port}"
    assert "Claimdesk" in request_http.get_header("User-Agent")
    assert gzip_members(snapshot.warc.file.open("rb").read()) == 3  # compressed record by record
    assert len(server.seen) == 1  # archived from the one fetch, not fetched again


def test_its_sha256_is_in_the_custody_log_and_matches_the_stored_bytes(alice, make_claim, server, media_root):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    warc = snapshot.warc

    assert custody(snapshot.evidence) == ["added", "capture_requested", "captured", "warc_written"]
    event = snapshot.evidence.custody.get(action="warc_written")
    assert event.sha256 == warc.sha256 == sha256sum(warc.file.path)  # coreutils, not our hashlib
    assert event.detail["snapshot_id"] == snapshot.pk and event.detail["size"] == warc.size
    assert event.detail["payload_digest"] == payload_digest(snapshot.stored_file.sha256)
    assert snapshot.evidence.custody.get(action="captured").sha256 == snapshot.stored_file.sha256 != warc.sha256


def test_it_archives_the_decoded_body_and_keeps_the_wire_encoding_under_another_name(alice, make_claim, server):
    snapshot = captured(alice, make_claim(), server.url("/gzipped"))

    _, _, warc_headers, http, payload = response_record(snapshot.warc)
    assert payload == ARTICLE  # warcio does not try to gunzip it again
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("Content-Length") == str(len(ARTICLE))
    assert warc_headers.get_header("WARC-Payload-Digest") == payload_digest(snapshot.stored_file.sha256)


def test_it_serves_the_warc_to_the_desk_and_logs_the_download(alice, bob, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    client.force_login(bob)

    response = client.get(reverse("desk-evidence-warc", args=[snapshot.evidence_id, snapshot.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == snapshot.warc.sha256
    assert response["Content-Type"] == "application/warc"
    assert response["Content-Disposition"].endswith(
        f'filename="evidence-{snapshot.evidence_id}-snapshot-{snapshot.pk}.warc.gz"'
    )
    assert "Content-Encoding" not in response  # a browser must save the .warc.gz as it is
    download = snapshot.evidence.custody.get(action="downloaded")
    assert (download.actor, download.sha256, download.detail["snapshot_id"]) == (bob, snapshot.warc.sha256, snapshot.pk)


def test_it_refuses_the_warc_to_people_without_a_desk_role_and_logs_nothing(alice, carol, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    path = reverse("desk-evidence-warc", args=[snapshot.evidence_id, snapshot.pk])

    anonymous = client.get(path)
    client.force_login(carol)
    refused = client.get(path)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert refused.status_code == 403
    assert not snapshot.evidence.custody.filter(action="downloaded").exists()


def test_it_finds_no_warc_through_another_items_address(alice, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    other = add_evidence_url(alice, make_claim(text="Another claim.").id, "https://example.org/other")
    client.force_login(alice)
    assert client.get(reverse("desk-evidence-warc", args=[other.pk, snapshot.pk])).status_code == 404
    assert client.get(reverse("desk-evidence-archived-text", args=[other.pk, snapshot.pk])).status_code == 404


def test_the_text_view_shows_the_pages_text_and_none_of_its_html(alice, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    client.force_login(alice)

    response = client.get(reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    archived = page.split('<section class="panel archived-text">', 1)[1].split("</section>", 1)[0]
    assert "released footage of soldiers at a training camp on Tuesday" in page
    assert "could not verify the footage independently" in page
    assert "<h2>Camp footage released</h2>" in page  # the archived title, as our own heading
    assert "200 Fine Thanks" in page and snapshot.warc.sha256 in page
    for archived_markup in ("alert(", "tracker.js", "photo.jpg", "bg.png", "Copyright 2026", "<img"):
        assert archived_markup not in page
    for markup in ("<script", "<style", "<article", "<nav", "Home", "&lt;"):
        assert markup not in archived  # nor as escaped text
    assert "default-src 'self'" in response["Content-Security-Policy"]  # nothing from another origin
    assert not snapshot.evidence.custody.filter(action="downloaded").exists()  # reading text is not a copy


def test_the_text_view_refuses_people_without_a_desk_role(alice, carol, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    client.force_login(carol)
    response = client.get(reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]))
    assert response.status_code == 403
    assert b"training camp" not in response.content


def test_the_text_view_says_when_the_archived_response_is_not_a_page(alice, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/png"))
    client.force_login(alice)
    response = client.get(reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]))
    assert response.status_code == 200
    assert "The archived response is image/png, not a page." in response.content.decode()


def test_the_text_view_reads_only_the_first_part_of_a_long_page(alice, make_claim, server, client, settings):
    settings.ARCHIVE_TEXT_MAX_BYTES = len(ARTICLE) // 2
    snapshot = captured(alice, make_claim(), server.url("/article"))
    client.force_login(alice)
    response = client.get(reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]))
    assert "Only the first part of the page is read here" in response.content.decode()


def test_headers_that_are_not_ascii_are_archived_percent_encoded(alice, make_claim, server):
    """http.client reads header bytes as Latin-1; warcio writes header blocks in ASCII,
    percent-encoding what is not (RFC 8187), rather than failing or guessing."""
    snapshot = captured(alice, make_claim(), server.url("/odd-headers"))

    _, _, _, http, payload = response_record(snapshot.warc)
    assert (http.protocol, http.statusline) == ("HTTP/1.1", "203 Non-Authoritative")
    assert http.get_header("X-Long") == "x" * 8000
    assert http.get_header("X-Note") == "caf%C3%A9"  # the Latin-1 é, percent-encoded as UTF-8
    assert payload == b"<html><body><p>Odd headers.</p></body></html>"


def test_a_failed_fetch_writes_no_warc_and_says_why(alice, make_claim, server, settings):
    settings.CAPTURE_MAX_RETRIES = 0
    evidence = add_evidence_url(alice, make_claim().id, server.url("/error"))

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert (evidence.capture_status, evidence.capture_error) == (
        "failed",
        "the server answered 500 Internal Server Error (gave up after the last retry)",
    )
    assert not Snapshot.objects.exists() and not StoredFile.objects.exists()
    # The custody log says why there is nothing, archive included: the fetch failed.
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]
    assert evidence.custody.get(action="capture_failed").detail["reason"] == (
        "the server answered 500 Internal Server Error"
    )


def test_a_huge_response_is_cut_at_the_capture_limit_and_archived_nowhere(alice, make_claim, server, settings):
    settings.CAPTURE_MAX_BYTES = 256 * 1024
    evidence = add_evidence_url(alice, make_claim().id, server.url(f"/bytes/{4 * 1024 * 1024}"))

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "failed"
    assert "over the 262144-byte limit" in evidence.capture_error
    assert not StoredFile.objects.exists()  # neither the body nor a WARC
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]


def test_a_body_cut_short_by_the_server_is_not_archived_as_if_whole(alice, make_claim, server, settings):
    settings.CAPTURE_MAX_RETRIES = 0
    evidence = add_evidence_url(alice, make_claim().id, server.url("/cut-short"))

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "failed" and evidence.capture_error.startswith("connection failed")
    assert not StoredFile.objects.exists()
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]


def test_a_body_at_the_limit_is_archived_whole(alice, make_claim, server, settings):
    settings.CAPTURE_MAX_BYTES = 256 * 1024
    snapshot = captured(alice, make_claim(), server.url(f"/bytes/{256 * 1024}"))

    _, _, warc_headers, http, payload = response_record(snapshot.warc)
    assert len(payload) == 256 * 1024 == snapshot.stored_file.size
    assert warc_headers.get_header("WARC-Payload-Digest") == payload_digest(snapshot.stored_file.sha256)
    assert snapshot.warc.size < 256 * 1024  # zeros compress; the archive stays near the body's size


def test_the_api_lists_the_warc_with_snapshots_for_reviewers_only(alice, make_claim, server):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    path = f"/api/v1/claims/{snapshot.evidence.claim_id}/evidence"

    _, review_key = create_key("review key", "review", user=alice)
    _, read_key = create_key("read key", "read", user=alice)
    reviewed = Client(HTTP_AUTHORIZATION=f"Bearer {review_key}").get(path).json()["results"][0]
    read = Client(HTTP_AUTHORIZATION=f"Bearer {read_key}").get(path).json()["results"][0]

    listed = reviewed["snapshots"][0]
    assert listed["warc"]["sha256"] == snapshot.warc.sha256
    assert listed["warc"]["content_type"] == "application/warc"
    assert listed["warc_download_url"] == reverse("desk-evidence-warc", args=[snapshot.evidence_id, snapshot.pk])
    assert listed["archived_text_url"] == reverse(
        "desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]
    )
    assert "snapshots" not in read and "custody" not in read


def test_the_evidence_panel_links_the_warc_and_its_text(alice, make_claim, server, client):
    snapshot = captured(alice, make_claim(), server.url("/article"))
    client.force_login(alice)
    page = client.get(reverse("desk-claim", args=[snapshot.evidence.claim_id])).content.decode()
    assert reverse("desk-evidence-warc", args=[snapshot.evidence_id, snapshot.pk]) in page
    assert reverse("desk-evidence-archived-text", args=[snapshot.evidence_id, snapshot.pk]) in page
    assert snapshot.warc.sha256 in page


def test_reverification_checks_the_warc_too(alice, make_claim, server):
    from verification.evidence.capture import reverify_all

    snapshot = captured(alice, make_claim(), server.url("/article"))
    with open(snapshot.warc.file.path, "ab") as handle:
        handle.write(b"tampered")

    counts = reverify_all()

    assert counts == {"verified": 1, "mismatched": 1, "unreadable": 0}
    snapshot.warc.refresh_from_db()
    assert snapshot.warc.integrity_ok is False
    mismatch = snapshot.evidence.custody.get(action="mismatch")
    assert mismatch.sha256 == snapshot.warc.sha256


def test_a_warc_is_read_back_whole_from_a_byte_stream(alice, make_claim, server):
    """The downloaded bytes alone are a valid archive: no database needed to read them."""
    snapshot = captured(alice, make_claim(), server.url("/article"))
    data = snapshot.warc.file.open("rb").read()
    types = [r.rec_type for r in ArchiveIterator(io.BytesIO(data))]
    assert types == ["warcinfo", "response", "request"]
