"""Content Credentials (issue 19, item 3): the metadata worker reads a file's C2PA
manifest store (who signed, the tool, the edits, the ingredients) and whether its
signature validates, and the claim page and the API say so plainly. The signed
images are made here with c2pa-python's Builder and a certificate chain the test
makes; nothing is downloaded. Task bodies are called in process (the metadata
worker path is tests/evidence/test_file_metadata.py's)."""

from html import unescape

import pytest

from tests.evidence.c2pa_support import (
    jpeg,
    make_chain,
    signed_jpeg,
    signed_media,
    with_bytes_changed,
    with_manifest_damaged,
)
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import video
from tests.evidence.test_evidence_api import key_client
from verification.evidence.writes import add_evidence_file
from verification.models import MediaMetadata
from verification.tasks import read_metadata

SUMMARY = "Content Credentials (C2PA): <strong>"


@pytest.fixture(scope="module")
def chain():
    return make_chain()


@pytest.fixture(scope="module")
def signed(chain):
    return signed_jpeg(chain)


def read(user, claim, data: bytes, name: str = "camp.jpg") -> MediaMetadata:
    evidence = add_evidence_file(user, claim.id, upload(data, name, "application/octet-stream"), title=name)
    assert read_metadata(evidence.stored_file_id) == "ready"
    return MediaMetadata.objects.get(stored_file=evidence.stored_file)


def rows(meta: MediaMetadata) -> dict[str, list[dict]]:
    found = {}
    for field in meta.fields:
        if field["group"] == "Content Credentials":
            found.setdefault(field["name"], []).append(field)
    return found


def page(client, user, claim) -> str:
    client.force_login(user)
    return unescape(client.get(f"/desk/claims/{claim.pk}/").content.decode())


def test_it_reads_who_signed_the_tool_the_edits_and_the_ingredients(client, alice, make_claim, media_root, signed):
    claim = make_claim()
    meta = read(alice, claim, signed)

    credentials = meta.content_credentials
    assert credentials["status"] == "read" and credentials["validation_state"] == "Valid"
    assert credentials["summary"] == "signature valid, signer not on a trust list"
    assert credentials["signer"] == "CN=Newsroom Camera Signer, O=Claimdesk tests"
    assert credentials["issuer"] == "CN=Test C2PA Root, O=Claimdesk tests"
    assert credentials["claim_generator"].startswith("Claimdesk test camera 1.0")
    assert [a["action"] for a in credentials["actions"]] == ["c2pa.created", "c2pa.color_adjustments"]
    assert credentials["actions"][1]["software"] == "Photo editor 2.1"
    assert credentials["ingredients"] == [{"title": "original.jpg", "format": "image/jpeg", "relationship": "parentOf"}]
    table = rows(meta)
    assert table["Signature"][0]["flag"] == ""  # a valid signature is not a warning
    assert table["Action"][1]["flag"] == "edited after capture, the credentials say"
    assert table["Ingredient"][0]["flag"] == "made from another file"
    assert meta.fields[0]["group"] == "File"  # the file's own fields first, the credentials after

    html = page(client, alice, claim)
    assert SUMMARY + "signature valid, signer not on a trust list" in html
    assert "Content Credentials: Signed by</th><td>CN=Newsroom Camera Signer, O=Claimdesk tests" in html
    assert 'class="credentials"' in html and "Action: edited after capture, the credentials say" in html

    [item] = key_client("review", alice).get(f"/api/v1/claims/{claim.pk}/evidence").json()["results"]
    assert item["file_metadata"]["content_credentials"]["summary"] == "signature valid, signer not on a trust list"
    assert item["file_metadata"]["content_credentials"]["signer"] == credentials["signer"]
    assert "Action: edited after capture, the credentials say" in item["file_metadata"]["checks"]
    assert "file_metadata" not in key_client("read").get(f"/api/v1/claims/{claim.pk}/evidence").json()["results"][0]


def test_an_image_without_credentials_says_so(client, alice, make_claim, media_root):
    claim = make_claim()
    meta = read(alice, claim, jpeg())

    assert meta.content_credentials == {"status": "none", "summary": "no Content Credentials"}
    assert [f["value"] for f in rows(meta)["Status"]] == ["no Content Credentials"]
    assert SUMMARY + "no Content Credentials" in page(client, alice, claim)


def test_a_signed_image_changed_after_signing_fails_validation(client, alice, make_claim, media_root, signed):
    claim = make_claim()
    meta = read(alice, claim, with_bytes_changed(signed))

    credentials = meta.content_credentials
    assert credentials["validation_state"] == "Invalid"
    assert credentials["summary"] == "signature does not validate: the file's bytes changed after it was signed"
    assert "assertion.dataHash.mismatch" in [f["code"] for f in credentials["failures"]]
    assert rows(meta)["Signature"][0]["flag"] == "the credentials do not match the file"
    html = page(client, alice, claim)
    assert SUMMARY + "signature does not validate: the file's bytes changed after it was signed" in html
    assert "Signature: the credentials do not match the file" in html  # among the checks, highlighted


def test_a_damaged_manifest_gives_a_clear_status_and_the_rest_is_read(client, alice, make_claim, media_root, signed):
    claim = make_claim()
    meta = read(alice, claim, with_manifest_damaged(signed))

    assert meta.status == "ready" and meta.fields[0]["name"] == "Format"  # the file's own fields survive
    credentials = meta.content_credentials
    assert credentials["status"] == "unreadable" and credentials["reason"]
    assert credentials["summary"].startswith("present but could not be read (")
    assert rows(meta)["Status"][0]["flag"] == "the Content Credentials are damaged"
    assert SUMMARY + "present but could not be read" in page(client, alice, claim)


def test_a_signer_chaining_to_the_configured_trust_anchors_is_trusted(
    alice, make_claim, media_root, signed, chain, settings, tmp_path
):
    anchors = tmp_path / "c2pa-anchors.pem"
    anchors.write_bytes(chain.root_pem)
    settings.C2PA_TRUST_ANCHORS = str(anchors)

    credentials = read(alice, make_claim(), signed).content_credentials

    assert (credentials["validation_state"], credentials["summary"]) == (
        "Trusted",
        "signature valid, signer on the trust list",
    )


def test_it_reads_the_credentials_of_a_signed_video_beside_its_container(alice, make_claim, media_root, chain):
    meta = read(alice, make_claim(), signed_media(chain, video(seconds=1.0, black_seconds=0), "video/mp4"), "camp.mp4")

    assert meta.content_credentials["summary"] == "signature valid, signer not on a trust list"
    assert meta.content_credentials["signer"] == "CN=Newsroom Camera Signer, O=Claimdesk tests"
    assert {f["group"] for f in meta.fields} >= {"Container", "Streams", "Content Credentials"}
