"""Size and type limits on uploads: the refusal names the limit and what was
sent, the type is read from the bytes, and nothing refused is kept."""

import io

import pytest
from django.core.exceptions import ValidationError

from tests.evidence.evidence_support import EXE, PNG, stored_files_on_disk, upload
from verification.evidence.storage import EvidenceRefused
from verification.evidence.writes import add_evidence_file
from verification.models import Evidence, StoredFile
from verification.workflow.transitions import NotAllowed


def assert_nothing_kept(media_root):
    assert Evidence.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert stored_files_on_disk(media_root / "media") == []
    assert list((media_root / "spool").iterdir()) == []  # no spool file left behind


def test_it_refuses_a_file_over_the_size_limit_saying_the_limit_and_the_size(alice, make_claim, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 5000
    claim = make_claim()
    with pytest.raises(EvidenceRefused) as refused:
        add_evidence_file(alice, claim.id, upload(PNG + b"x" * 6000))
    message = str(refused.value)
    assert refused.value.http_status == 413 and refused.value.code == "upload_too_large"
    assert "5000 bytes" in message and "CLAIMDESK_UPLOAD_MAX_BYTES" in message
    assert f"{len(PNG) + 6000} bytes were sent" in message
    assert_nothing_kept(media_root)


def test_it_stops_reading_an_unsized_stream_once_it_passes_the_limit(alice, make_claim, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 5000
    claim = make_claim()
    stream = io.BytesIO(PNG + b"x" * 100_000)
    stream.name = "endless.png"
    with pytest.raises(EvidenceRefused, match="over the upload limit") as refused:
        add_evidence_file(alice, claim.id, stream, chunk_size=1024)
    assert refused.value.detail["sent_bytes"] <= 5000 + 1024
    assert stream.tell() < 10_000  # stopped early, did not read the rest
    assert_nothing_kept(media_root)


def test_it_refuses_a_type_not_allowed_naming_the_sniffed_and_the_declared_type(alice, make_claim, media_root):
    claim = make_claim()
    with pytest.raises(EvidenceRefused) as refused:
        add_evidence_file(alice, claim.id, upload(EXE, "holiday.png", "image/png"))
    message = str(refused.value)
    assert refused.value.http_status == 415 and refused.value.code == "upload_type_not_allowed"
    assert "application/vnd.microsoft.portable-executable" in message
    assert "it was sent as image/png" in message and "CLAIMDESK_UPLOAD_TYPES" in message
    assert_nothing_kept(media_root)


def test_it_records_the_sniffed_type_not_the_one_the_client_sent(alice, make_claim, media_root):
    claim = make_claim()
    evidence = add_evidence_file(alice, claim.id, upload(PNG, "report.pdf", "application/pdf"))
    assert evidence.stored_file.content_type == "image/png"
    assert evidence.kind == Evidence.Kind.IMAGE
    assert evidence.custody.get(action="uploaded").detail["declared_type"] == "application/pdf"


def test_it_follows_the_allowed_types_setting(alice, make_claim, media_root, settings):
    settings.UPLOAD_TYPES = ["video/*"]
    claim = make_claim()
    with pytest.raises(EvidenceRefused, match="Accepted types .*: video/\\*"):
        add_evidence_file(alice, claim.id, upload(PNG))
    assert_nothing_kept(media_root)


def test_it_refuses_an_empty_file(alice, make_claim, media_root):
    claim = make_claim()
    with pytest.raises(EvidenceRefused, match="empty"):
        add_evidence_file(alice, claim.id, upload(b""))
    assert_nothing_kept(media_root)


def test_it_refuses_a_user_without_a_desk_role_before_reading_anything(carol, make_claim, media_root):
    claim = make_claim()
    with pytest.raises(NotAllowed):
        add_evidence_file(carol, claim.id, upload(PNG))
    assert_nothing_kept(media_root)


def test_it_refuses_a_credibility_outside_one_to_six(alice, make_claim, media_root):
    claim = make_claim()
    with pytest.raises(ValidationError) as refused:
        add_evidence_file(alice, claim.id, upload(PNG), credibility=7)
    assert "credibility" in refused.value.message_dict
    assert_nothing_kept(media_root)
