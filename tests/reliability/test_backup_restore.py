"""`manage.py backup` then `manage.py restore` into a fresh, empty database:
every claim, every event and every stored file comes back, byte for byte;
a restore refuses a database that is not empty and a damaged archive.

On PostgreSQL the fresh database is a new one on the same server (created
and dropped here); on SQLite it is a new file.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from verification.evidence import writes as evidence
from verification.management.commands._backup import sha256_file
from verification.models import Claim, ClaimEvent, StoredFile
from verification.workflow import transitions

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS_Q = "SELECT id, version, state, verdict, text FROM verification_claim ORDER BY id"
EVENTS_Q = "SELECT id, claim_id, version, kind, from_state, to_state FROM verification_claimevent ORDER BY id"
FILES_Q = "SELECT sha256, file FROM verification_storedfile ORDER BY id"


class FreshDatabase:
    """An empty database next to the test one, and how to read it."""

    def __init__(self, tmp_path: Path):
        self.db = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.name = f"{self.db['NAME']}_restored"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
        else:
            self.name = str(tmp_path / "restored.sqlite3")

    def _conninfo(self, name):
        return (
            f"host={self.db.get('HOST') or '127.0.0.1'} port={self.db.get('PORT') or 5432} "
            f"user={self.db.get('USER') or 'postgres'} dbname={name}"
        )

    def _admin(self, *statements):
        import psycopg

        with psycopg.connect(self._conninfo("postgres"), autocommit=True, password=self.db.get("PASSWORD")) as conn:
            for statement in statements:
                conn.execute(statement)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
        if self.vendor == "postgresql":
            env["DATABASE_URL"] = (
                f"postgres://{self.db.get('USER') or 'postgres'}@{self.db.get('HOST') or '127.0.0.1'}"
                f":{self.db.get('PORT') or 5432}/{self.name}"
            )
        else:
            env["SQLITE_PATH"] = self.name
        return env

    def rows(self, query: str) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self._conninfo(self.name), password=self.db.get("PASSWORD")) as conn:
                return [tuple(r) for r in conn.execute(query).fetchall()]
        with closing(sqlite3.connect(self.name)) as conn:
            return [tuple(r) for r in conn.execute(query).fetchall()]

    def drop(self):
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def here(query: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [tuple(r) for r in cursor.fetchall()]


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def build_desk(make_claim, alice, erin):
    """Claims in several states, a published verdict, and three uploads (two with the same bytes)."""
    claims = [make_claim(text=f"Backup claim {i}", actor=alice) for i in range(4)]
    transitions.reassign(erin, claims[0].pk, alice)
    transitions.assess(alice, claims[0].pk, verdict="false", confidence=0.9, rationale="Old footage.")
    transitions.sign_off(erin, claims[0].pk)
    transitions.take_next(alice)
    for claim, body in (
        (claims[1], b"witness statement\n"),
        (claims[2], b"satellite notes\n"),
        (claims[3], b"satellite notes\n"),
    ):
        evidence.add_evidence_file(alice, claim.pk, SimpleUploadedFile("note.txt", body, "text/plain"), title="Notes")


def test_it_restores_every_claim_event_and_file_into_an_empty_database(
    tmp_path, settings, make_claim, alice, erin, figures
):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_desk(make_claim, alice, erin)
    out = tmp_path / "backup"
    started = time.monotonic()
    call_command("backup", str(out), verbosity=0)
    backed_up = time.monotonic() - started
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["verification.claim"] == Claim.objects.count() == 4
    assert manifest["counts"]["verification.claimevent"] == ClaimEvent.objects.count()
    assert len(manifest["media"]["files"]) == StoredFile.objects.count() == 2  # the same bytes are stored once

    fresh = FreshDatabase(tmp_path)
    try:
        env = fresh.env() | {"MEDIA_ROOT": str(tmp_path / "restored-media"), "CLAIMDESK_VAR_DIR": str(tmp_path / "var")}
        started = time.monotonic()
        restored = manage("restore", str(out), env=env)
        restore_seconds = time.monotonic() - started
        assert restored.returncode == 0, restored.stderr
        assert "Restored and verified 4 claims" in restored.stdout

        assert fresh.rows(CLAIMS_Q) == here(CLAIMS_Q)
        assert fresh.rows(EVENTS_Q) == here(EVENTS_Q)
        assert fresh.rows(FILES_Q) == here(FILES_Q)
        for sha256, name in fresh.rows(FILES_Q):
            assert sha256_file(tmp_path / "restored-media" / name) == sha256

        again = manage("restore", str(out), env=env)
        assert again.returncode != 0 and "already has" in again.stderr and "empty database" in again.stderr
        assert len(fresh.rows(CLAIMS_Q)) == 4  # refused: nothing doubled
    finally:
        fresh.drop()
    figures(
        "backup_restore",
        claims=len(here(CLAIMS_Q)),
        events=len(here(EVENTS_Q)),
        files=len(here(FILES_Q)),
        backup_seconds=round(backed_up, 2),
        restore_seconds=round(restore_seconds, 2),
        dump_bytes=manifest["database"]["size"],
    )


def test_it_refuses_a_damaged_backup_and_writes_nothing(tmp_path, settings, make_claim, alice, erin):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_desk(make_claim, alice, erin)
    out = tmp_path / "backup"
    call_command("backup", str(out), verbosity=0)
    dump = out / json.loads((out / "manifest.json").read_text())["database"]["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    fresh = FreshDatabase(tmp_path)
    try:
        env = fresh.env() | {"MEDIA_ROOT": str(tmp_path / "restored-media"), "CLAIMDESK_VAR_DIR": str(tmp_path / "var")}
        result = manage("restore", str(out), env=env)
        assert result.returncode != 0 and "is damaged" in result.stderr
        if fresh.vendor == "postgresql":
            assert fresh.rows("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]
        else:
            assert not Path(fresh.name).exists() or fresh.rows("SELECT count(*) FROM sqlite_master") == [(0,)]
        assert not (tmp_path / "restored-media").exists()
    finally:
        fresh.drop()
