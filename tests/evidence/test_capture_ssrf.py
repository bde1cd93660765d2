"""With the protection on, capture refuses every address inside the network
before any socket exists, and records why on the evidence."""

import pytest

from tests.evidence.evidence_support import custody
from verification.evidence.writes import add_evidence_url
from verification.models import Snapshot, StoredFile
from verification.tasks import capture_evidence

REFUSED = [
    ("http://127.0.0.1:{port}/page", "127.0.0.1 is a loopback address"),
    ("http://[::1]:{port}/page", "::1 is a loopback address"),
    ("http://10.0.0.1/page", "10.0.0.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("http://0.0.0.0:{port}/page", "0.0.0.0 is an unspecified address"),
    ("http://[::ffff:127.0.0.1]:{port}/page", "::ffff:127.0.0.1 is an IPv4-mapped IPv6 address of a loopback address"),
    ("http://briefing.example:{port}/page", "127.0.0.1 is a loopback address (briefing.example resolves to it)"),
]


@pytest.mark.parametrize("template,reason", REFUSED, ids=[r[1].split(" is ")[0] for r in REFUSED])
def test_it_refuses_an_inside_address_and_records_why(
    alice,
    make_claim,
    settings,
    loopback_http_server,
    no_outside_connections,
    fake_dns,
    media_root,
    template,
    reason,
    caplog,
):
    settings.ALLOW_LOOPBACK_FETCH = False
    fake_dns["briefing.example"] = [["127.0.0.1"]]
    evidence = add_evidence_url(alice, make_claim().id, template.format(port=loopback_http_server.server_port))

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "failed"
    assert evidence.capture_error == "refused: address not allowed"  # the address is for the log, not the desk
    assert any(reason in record.getMessage() for record in caplog.records if record.levelname == "WARNING")
    assert no_outside_connections.attempts == []  # refused before any socket connected
    assert loopback_http_server.seen == []
    assert Snapshot.objects.count() == 0 and StoredFile.objects.count() == 0
    assert custody(evidence) == ["added", "capture_requested", "capture_failed"]
    assert evidence.custody.last().detail == {
        "reason": evidence.capture_error,
        "transient": False,
        "attempt": 1,
        "retry_within_seconds": None,
    }


def test_it_refuses_a_redirect_from_an_allowed_host_to_the_metadata_service(
    alice, make_claim, settings, loopback_http_server, no_outside_connections, fake_dns, media_root, caplog
):
    # Loopback plays the allowed public host here: it is the only server a test may reach.
    settings.ALLOW_LOOPBACK_FETCH = True
    url = loopback_http_server.url("/redirect?to=http://169.254.169.254/latest/meta-data/iam/")
    evidence = add_evidence_url(alice, make_claim().id, url)

    capture_evidence(evidence.id)

    evidence.refresh_from_db()
    assert evidence.capture_status == "failed"
    assert evidence.capture_error == "refused: address not allowed"
    assert any("169.254.169.254 is a cloud metadata address" in record.getMessage() for record in caplog.records)
    assert [path for _, path, _ in loopback_http_server.seen] == [url.split(str(loopback_http_server.server_port))[1]]
    assert all(host == "127.0.0.1" for host, *_ in no_outside_connections.attempts)
    assert Snapshot.objects.count() == 0
