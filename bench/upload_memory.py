"""Peak memory of a 200 MB evidence upload: it must stream, not be read whole.

    python -m bench.upload_memory          (BENCH_QUICK=1: 50 MB)

1. Write a 200 MB file (an MP4 header, then random bytes) in a temp dir, as a
   multipart/form-data request body, the way a browser or API client sends it.
2. Parse that body with Django's MultiPartParser and upload handlers, as the
   API does: the file part goes to a temporary file on disk.
3. Hand the uploaded file to verification.evidence.writes.add_evidence_file, which
   copies it in chunks to storage while hashing it.
4. Print the process's peak RSS (resource.getrusage) before and after; the
   growth must stay far below the file's size. Exit 1 if it does not.
Everything the run wrote (temp dir, stored file, rows) is deleted afterwards.
"""

import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import QUICK, ensure_database, migrate, print_table, save_results, setup_django

SIZE = (50 if QUICK else 200) * 1024 * 1024
BLOCK = 1024 * 1024
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
BOUNDARY = "claimdeskbenchboundary"
LIMIT = 64 * 1024 * 1024  # peak growth allowed: a third of the file, and a lot for chunked copies


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def write_request_body(folder: Path) -> tuple[Path, str]:
    """A multipart body holding one file part of SIZE bytes; returns its SHA-256."""
    body, sha = folder / "request-body", hashlib.sha256()
    with open(body, "wb") as out:
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nLeaked video\r\n'.encode())
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        written = 0
        while written < SIZE:
            block = (MP4_HEADER + os.urandom(BLOCK - len(MP4_HEADER))) if written == 0 else os.urandom(BLOCK)
            block = block[: SIZE - written]
            out.write(block)
            sha.update(block)
            written += len(block)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return body, sha.hexdigest()


def parse_upload(body: Path):
    """Django's own multipart parsing, reading the body from disk in chunks."""
    from django.conf import settings
    from django.http.multipartparser import MultiPartParser
    from django.utils.module_loading import import_string

    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(body.stat().st_size)}
    handlers = [import_string(path)() for path in settings.FILE_UPLOAD_HANDLERS]
    with open(body, "rb") as stream:
        _, files = MultiPartParser(meta, stream, handlers, "utf-8").parse()
    return files["file"]


def subjects():
    from django.contrib.auth.models import Group, User

    from sources.roles import FACT_CHECKERS, ensure_roles
    from verification.workflow.claims import ClaimInput, create_claim

    ensure_roles()
    user, _ = User.objects.get_or_create(username="bench-uploader")
    user.groups.add(Group.objects.get(name=FACT_CHECKERS))
    user = User.objects.get(pk=user.pk)  # fresh permission cache
    claim = create_claim(user, ClaimInput(text="A leaked video shows the convoy (upload benchmark)."))
    return user, claim


def cleanup(evidence, claim) -> None:
    stored = evidence.stored_file
    claim.delete()  # cascades to the evidence and its custody
    if stored is not None and not stored.evidence.exists() and not stored.snapshots.exists():
        stored.file.delete(save=False)
        stored.delete()


def main() -> int:
    ensure_database()
    migrate()
    setup_django()
    from verification.evidence.writes import add_evidence_file

    user, claim = subjects()
    with tempfile.TemporaryDirectory(prefix="claimdesk-upload-bench-") as folder:
        body, expected = write_request_body(Path(folder))
        before = peak_rss()
        started = time.perf_counter()
        uploaded = parse_upload(body)
        parsed = peak_rss()
        evidence = add_evidence_file(user, claim.id, uploaded, title="Leaked video")
        seconds = time.perf_counter() - started
        after = peak_rss()
        uploaded.close()
    try:
        ok_hash = evidence.sha256 == expected
        growth = after - before
        mb = 1024 * 1024
        print_table(
            f"Upload of a {SIZE // mb} MB file (multipart parse + add_evidence_file)",
            [
                ("measure", "value"),
                ("peak RSS before upload", f"{before / mb:.1f} MB"),
                ("peak RSS after parsing", f"{parsed / mb:.1f} MB"),
                ("peak RSS after storing", f"{after / mb:.1f} MB"),
                ("growth during the upload", f"{growth / mb:.1f} MB (limit {LIMIT // mb} MB)"),
                ("time", f"{seconds:.1f} s ({SIZE / mb / seconds:.0f} MB/s)"),
                (
                    "stored as",
                    f"{evidence.stored_file.content_type}, sha256 {evidence.sha256[:16]}… "
                    f"{'matches' if ok_hash else 'DOES NOT MATCH'}",
                ),
            ],
        )
        save_results(
            {
                "upload_memory": {
                    "file_mb": SIZE // mb,
                    "peak_rss_mb": round(after / mb, 1),
                    "growth_mb": round(growth / mb, 1),
                    "seconds": round(seconds, 2),
                }
            }
        )
    finally:
        cleanup(evidence, claim)
    if not ok_hash or growth > LIMIT:
        print("FAIL: the upload was not streamed (memory grew with the file) or its hash is wrong.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
