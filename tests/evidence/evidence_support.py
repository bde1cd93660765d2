"""Helpers for the evidence tests: uploads, the custody log, sha256sum."""

import subprocess
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
EXE = b"MZ\x90\x00" + b"\x00" * 2000
PAGE = b"<!DOCTYPE html><html><body><p>The minister said 3%.</p></body></html>"  # the fetcher fixture's /page


def upload(data: bytes = PNG, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def custody(evidence) -> list[str]:
    return list(evidence.custody.order_by("id").values_list("action", flat=True))


def sha256sum(path: Path | str) -> str:
    """The coreutils binary's answer, not Python's hashlib."""
    out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True).stdout
    return out.split()[0]


def sha256sum_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "bytes-for-sha256sum"
    path.write_bytes(data)
    return sha256sum(path)


def stored_files_on_disk(media: Path) -> list[Path]:
    return sorted(p for p in (media / "evidence").rglob("*") if p.is_file()) if (media / "evidence").exists() else []
