"""Uploads are hashed while they stream to storage, and the hash is the one
coreutils' sha256sum gives for the same bytes."""

import hashlib
import io
import math
import os
from pathlib import Path

import pytest

from tests.evidence.evidence_support import PNG, custody, sha256sum, upload
from verification.evidence.storage import StreamingDigest
from verification.evidence.writes import add_evidence_file
from verification.models import Evidence, StoredFile


def test_it_records_the_sha256_that_sha256sum_gives_for_the_file(alice, make_claim, media_root, tmp_path):
    claim = make_claim()
    data = PNG + os.urandom(300_000)
    original = tmp_path / "budanov-briefing.png"
    original.write_bytes(data)

    evidence = add_evidence_file(alice, claim.id, upload(data, original.name), title="Briefing still")

    expected = sha256sum(original)
    stored = StoredFile.objects.get()
    assert evidence.sha256 == stored.sha256 == expected
    assert sha256sum(stored.file.path) == expected  # the bytes on disk are the bytes hashed
    assert Path(stored.file.path).read_bytes() == data
    assert (stored.size, stored.content_type, stored.original_name) == (len(data), "image/png", original.name)
    assert Evidence.objects.get().stored_file == stored
    assert custody(evidence) == ["added", "uploaded"]
    uploaded = evidence.custody.get(action="uploaded")
    assert (uploaded.actor, uploaded.sha256, uploaded.detail["size"]) == (alice, expected, len(data))


class ChunkOnlyFile(io.BytesIO):
    """An upload that fails the test if anyone asks for all of it at once."""

    def __init__(self, data: bytes, limit: int, name: str):
        super().__init__(data)
        self.limit, self.name = limit, name

    def read(self, size=-1):
        assert size is not None and 0 < size <= self.limit, f"read({size}) would read the upload whole"
        return super().read(size)


def test_it_streams_an_upload_through_the_hasher_chunk_by_chunk(alice, make_claim, media_root, monkeypatch):
    claim = make_claim()
    data = PNG + os.urandom(20_000)
    seen = []
    real_update = StreamingDigest.update

    def spy(self, chunk):
        seen.append(len(chunk))
        real_update(self, chunk)

    monkeypatch.setattr(StreamingDigest, "update", spy)
    source = ChunkOnlyFile(data, limit=1024, name="frame.png")

    evidence = add_evidence_file(alice, claim.id, source, chunk_size=1024)

    assert len(seen) == math.ceil(len(data) / 1024) > 10
    assert max(seen) <= 1024 and sum(seen) == len(data)
    assert StoredFile.objects.get().size == len(data)
    assert evidence.stored_file.file.read() == data


@pytest.mark.parametrize("chunk_size", [1, 4096, 10 * 1024 * 1024])
def test_it_hashes_the_same_whatever_the_chunk_size(alice, make_claim, media_root, chunk_size):
    claim = make_claim()
    data = PNG * 3
    evidence = add_evidence_file(alice, claim.id, upload(data), chunk_size=chunk_size)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
