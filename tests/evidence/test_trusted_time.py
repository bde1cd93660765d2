"""Trusted time (issue 19, item 6): with CLAIMDESK_TSA_URL set, each evidence
item's SHA-256 gets an RFC 3161 timestamp token, verified against the
authority's CA before it is stored, shown on the claim page, downloadable as a
.tsr and listed in the API. A timestamp authority the test makes (its own CA,
ECDSA P-256) answers on 127.0.0.1; it can also answer with a wrong imprint, a
bad signature, or from another CA, and each of those is refused with nothing
stored. Unset, nothing is ever asked. Task bodies are called in process; one
test runs the whole path through a real worker."""

import base64
import hashlib
import uuid
from html import unescape

import pytest
from asn1crypto import tsp
from celery import current_app

from tests import test_settings_errors as settings_errors
from tests.evidence.evidence_support import PAGE, upload
from tests.evidence.test_evidence_api import key_client
from tests.evidence.tsa_support import make_authority, start_tsa
from tests.worker import CeleryWorker, wait_for
from verification.evidence import timestamps
from verification.evidence.writes import add_evidence_file, add_evidence_url
from verification.models import CustodyEvent, TrustedTimestamp
from verification.tasks import capture_evidence, stamp_evidence_hash

PHOTO = b"\x89PNG\r\n\x1a\n" + b"camp footage still " * 40


@pytest.fixture
def authority():
    return make_authority()


@pytest.fixture
def tsa(settings, authority, tmp_path):
    """The loopback TSA, and the desk configured to use it and trust its root."""
    state, server, _thread = start_tsa(authority)
    ca_file = tmp_path / "tsa-root.pem"
    ca_file.write_bytes(authority.root_pem)
    settings.TSA_URL, settings.TSA_CA_FILE, settings.ALLOW_LOOPBACK_FETCH = state.url, str(ca_file), True
    yield state
    server.shutdown()
    server.server_close()


def add_photo(user, claim, data: bytes = PHOTO):
    return add_evidence_file(user, claim.id, upload(data, "camp.png", "image/png"), title="Camp still")


def imprint_asked(state) -> bytes:
    return tsp.TimeStampReq.load(state.requests[-1])["message_imprint"]["hashed_message"].native


def test_it_timestamps_an_uploads_hash_verifies_it_and_shows_it(client, alice, make_claim, media_root, tsa):
    claim = make_claim()
    evidence = add_photo(alice, claim)
    row = TrustedTimestamp.objects.get(evidence=evidence)
    assert (row.status, row.sha256, row.token) == ("pending", evidence.sha256, None)

    assert stamp_evidence_hash(row.pk) == "stamped"

    row.refresh_from_db()
    assert imprint_asked(tsa) == hashlib.sha256(PHOTO).digest()  # the file's own SHA-256, never the file
    assert row.status == "stamped" and row.reason == ""
    assert row.tsa_name == "Test Timestamp Authority" and row.serial_number == str(tsa.serial)
    assert row.policy == "1.3.6.1.4.1.99999.1.1" and row.gen_time is not None
    token = tsp.TimeStampResp.load(bytes(row.token))
    assert token["status"]["status"].native == "granted"
    entry = CustodyEvent.objects.get(evidence=evidence, action="timestamped")
    assert entry.sha256 == evidence.sha256 and entry.detail["tsa"] == "Test Timestamp Authority"
    assert stamp_evidence_hash(row.pk) is None and len(tsa.requests) == 1  # done once

    client.force_login(alice)
    html = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "Timestamped by Test Timestamp Authority at" in html and ", verified</strong>" in html
    download = client.get(f"/desk/evidence/{evidence.pk}/timestamps/{row.pk}.tsr")
    assert download.status_code == 200 and download["Content-Type"] == "application/timestamp-reply"
    assert download.content == bytes(row.token)
    assert f'filename="evidence-{evidence.pk}-{evidence.sha256[:12]}.tsr"' in download["Content-Disposition"]

    listed = key_client("review", alice).get(f"/api/v1/claims/{claim.pk}/evidence").json()["results"][0]
    [stamp] = listed["timestamps"]
    assert (stamp["status"], stamp["sha256"], stamp["tsa_name"]) == ("stamped", evidence.sha256, row.tsa_name)
    assert base64.b64decode(stamp["token"]) == bytes(row.token)
    assert stamp["token_download_url"] == f"/desk/evidence/{evidence.pk}/timestamps/{row.pk}.tsr"
    assert "timestamps" not in key_client("read").get(f"/api/v1/claims/{claim.pk}/evidence").json()["results"][0]


def test_a_captured_pages_hash_is_timestamped_too(alice, make_claim, media_root, tsa, loopback_http_server):
    evidence = add_evidence_url(alice, make_claim().id, loopback_http_server.url("/page"))
    assert not TrustedTimestamp.objects.exists()  # no hash yet: nothing to stamp

    capture_evidence(evidence.pk)

    evidence.refresh_from_db()
    row = TrustedTimestamp.objects.get(evidence=evidence)
    assert row.sha256 == evidence.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert stamp_evidence_hash(row.pk) == "stamped"
    assert imprint_asked(tsa) == hashlib.sha256(PAGE).digest()


@pytest.mark.parametrize(
    "mode, said",
    [
        ("wrong_imprint", "different hash than the item's SHA-256 (wrong message imprint)"),
        ("bad_signature", "signature does not verify against CLAIMDESK_TSA_CA_FILE"),
        ("rejection", "did not grant a timestamp (status 2: unsupported policy)"),
        ("not_a_timestamp", "The answer is not a timestamp response"),
    ],
)
def test_it_refuses_a_token_that_does_not_verify_and_stores_nothing(
    client, alice, make_claim, media_root, tsa, mode, said
):
    tsa.mode = mode
    claim = make_claim()
    evidence = add_photo(alice, claim)
    row = TrustedTimestamp.objects.get(evidence=evidence)

    assert stamp_evidence_hash(row.pk) == "refused"

    row.refresh_from_db()
    assert row.status == "refused" and said in row.reason
    assert row.token is None and row.gen_time is None and row.tsa_name == "" and row.serial_number == ""
    assert CustodyEvent.objects.get(evidence=evidence, action="timestamp_refused").detail["reason"] == row.reason
    assert not CustodyEvent.objects.filter(evidence=evidence, action="timestamped").exists()
    client.force_login(alice)
    page = unescape(client.get(f"/desk/claims/{claim.pk}/").content.decode())
    assert "Trusted timestamp refused:" in page and said in page
    assert client.get(f"/desk/evidence/{evidence.pk}/timestamps/{row.pk}.tsr").status_code == 404


def test_it_refuses_a_token_signed_under_another_ca(alice, make_claim, media_root, tsa):
    tsa.authority = make_authority("Other")  # same server, a signer our CA file does not vouch for
    row = TrustedTimestamp.objects.get(evidence=add_photo(alice, make_claim()))

    assert stamp_evidence_hash(row.pk) == "refused"

    row.refresh_from_db()
    assert "unable to get local issuer certificate" in row.reason and row.token is None


def test_without_a_tsa_url_nothing_is_asked_at_all(alice, make_claim, media_root, tsa, settings, sent_tasks):
    settings.TSA_URL = ""
    evidence = add_photo(alice, make_claim())

    assert not TrustedTimestamp.objects.exists()
    assert not any(name == "verification.tasks.stamp_evidence_hash" for name, _args, _options in sent_tasks)
    assert tsa.requests == []
    assert timestamps.request(evidence) is None and timestamps.sweep() == {"resent": 0}


def test_an_authority_that_does_not_answer_is_retried_then_recorded_as_failed(alice, make_claim, media_root, tsa):
    tsa_url = tsa.url
    row = TrustedTimestamp.objects.get(evidence=add_photo(alice, make_claim()))
    from django.conf import settings

    settings.TSA_URL = "http://127.0.0.1:9/tsa"  # the discard port: nothing listens

    with pytest.raises(timestamps.TimestampRetry):
        timestamps.stamp(row.pk, retries_left=2)
    row.refresh_from_db()
    assert row.status == "pending" and "did not answer" in row.reason and "Trying again" in row.reason

    assert timestamps.stamp(row.pk, retries_left=0) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "Gave up after 2 attempts" in row.reason and row.token is None
    assert tsa.requests == [] and tsa_url != settings.TSA_URL


def test_the_request_is_sent_to_a_worker_once_the_upload_commits(
    alice, make_claim, media_root, tsa, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        evidence = add_photo(alice, make_claim())
    row = TrustedTimestamp.objects.get(evidence=evidence)
    assert not any(name == "verification.tasks.stamp_evidence_hash" for name, _args, _options in sent_tasks)

    for callback in pending:
        callback()

    assert ("verification.tasks.stamp_evidence_hash", [row.pk], {}) in sent_tasks
    assert tsa.requests == []  # the request itself is the worker's


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_stamps_with_the_authority_named_in_its_environment(alice, make_claim, tmp_path, tsa):
    """A real worker process, reading CLAIMDESK_TSA_URL and CLAIMDESK_TSA_CA_FILE from
    its environment. It listens on a private queue: the session's worker (tests/conftest.py)
    has no TSA configured, and must not get one, or every capture it makes in other tests
    would be timestamped too. So this test sends the task there itself; that it is sent
    on commit is the test above."""
    queue = f"tsa-{uuid.uuid4().hex[:8]}"
    environment = {"CLAIMDESK_TSA_URL": tsa.url, "CLAIMDESK_TSA_CA_FILE": str(tmp_path / "tsa-root.pem")}
    worker = CeleryWorker(
        tmp_path / "worker.log",
        extra_env={**environment, "CELERY_TASK_DEFAULT_QUEUE": queue},
        concurrency=1,
        queues=[queue],
    ).start()
    try:
        evidence = add_photo(alice, make_claim())  # the worker's media folder: no media_root
        row = TrustedTimestamp.objects.get(evidence=evidence)
        current_app.send_task("verification.tasks.stamp_evidence_hash", args=[row.pk], queue=queue)
        row = wait_for(
            lambda: TrustedTimestamp.objects.filter(pk=row.pk).exclude(status="pending").first(),
            timeout=60,
            message=worker.log_tail,
        )
    finally:
        worker.stop()
    assert row.status == "stamped", row.reason
    assert imprint_asked(tsa) == bytes.fromhex(evidence.sha256)
    assert CustodyEvent.objects.filter(evidence=evidence, action="timestamped").count() == 1


def test_it_refuses_to_start_with_a_tsa_url_but_no_certificate_to_verify_its_tokens():
    result = settings_errors.start(CLAIMDESK_TSA_URL="https://tsa.example.org/tsr")
    assert result.returncode != 0 and "started" not in result.stdout
    assert "CLAIMDESK_TSA_URL needs CLAIMDESK_TSA_CA_FILE" in result.stderr.splitlines()[-1]
