"""Shared by `manage.py backup` and `manage.py restore` (the leading underscore
keeps Django from listing this module as a command).

A backup is a folder of three files:

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3``;
- ``media.tar.gz``: every stored evidence file under MEDIA_ROOT;
- ``manifest.json``: row counts per model, digests of the claims, their
  events and the stored-file hashes, the SHA-256 and size of each media file
  and of the two archives, and the latest migration of each app.

The counts and digests are taken in the same database snapshot as the dump,
so a restore can prove it got back exactly what was saved.
"""

import hashlib
import json
import os
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
COUNTED_APPS = ("auth", "sources", "verification")
CHUNK = 1024 * 1024
# Rows whose every listed column must come back unchanged.
DIGESTED = {
    "claims": ("verification", "Claim", ("id", "version", "state", "verdict", "confidence", "text")),
    "claim_events": (
        "verification",
        "ClaimEvent",
        ("id", "claim_id", "version", "kind", "from_state", "to_state", "verdict", "actor_id"),
    ),
    "assessments": ("verification", "Assessment", ("id", "claim_id", "verdict", "confidence", "rationale")),
    "stored_files": ("verification", "StoredFile", ("id", "sha256", "size", "file")),
    "custody": ("verification", "CustodyEvent", ("id", "evidence_id", "action", "sha256")),
}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model.objects.count()
        for app in COUNTED_APPS
        for model in apps.get_app_config(app).get_models()
    }


def digests() -> dict[str, str]:
    """One SHA-256 per table over its rows in id order; equal digests mean equal rows."""
    out = {}
    for name, (app, model_name, columns) in DIGESTED.items():
        digest = hashlib.sha256()
        rows = apps.get_model(app, model_name).objects.order_by("id").values_list(*columns)
        for row in rows.iterator(chunk_size=2000):
            digest.update(json.dumps([str(value) for value in row]).encode())
            digest.update(b"\n")
        out[name] = digest.hexdigest()
    return out


def migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


def media_files(root: Path) -> dict[str, dict]:
    """Every file under MEDIA_ROOT: relative path -> sha256 and size."""
    files = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[path.relative_to(root).as_posix()] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return files


def write_media_archive(root: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        if root.exists():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                archive.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)


def extract_media_archive(archive_path: Path, root: Path) -> None:
    """The "data" filter refuses absolute paths, ``..``, links out of the
    folder and device files: a tampered archive cannot write elsewhere."""
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(root, filter="data")


def postgres_args() -> tuple[list[str], dict]:
    """libpq options and environment for pg_dump / pg_restore on the current database."""
    db = connection.settings_dict
    args = [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
    ]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        raise CommandError(f"{folder} holds no {MANIFEST}: give the folder `manage.py backup` wrote.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{path} is format {manifest.get('format')}; this version reads format {FORMAT}.")
    return manifest


def check_archive(folder: Path, entry: dict) -> Path:
    path = folder / entry["file"]
    if not path.exists():
        raise CommandError(f"{path} is missing from the backup.")
    found = sha256_file(path)
    if found != entry["sha256"]:
        raise CommandError(f"{path} is damaged: its SHA-256 is {found}, the manifest says {entry['sha256']}.")
    return path
