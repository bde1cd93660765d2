"""`python manage.py backup OUT_DIR`: the database and the stored evidence files.

1. Open a read-only snapshot of the database (PostgreSQL: REPEATABLE READ and
   ``pg_export_snapshot()``; SQLite: one transaction holding the lock).
2. In that snapshot, count the rows and digest the claims, events and file
   hashes, then dump it (``pg_dump -Fc --snapshot``, or SQLite's backup API).
3. Only then archive MEDIA_ROOT: a file is written before its row commits,
   so every row in the snapshot finds its file in the archive.
4. Write ``manifest.json`` (see _backup.py). `manage.py restore OUT_DIR`
   brings it all back into an empty database and checks it.
"""

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from verification.management.commands import _backup as backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or a SQLite copy) and MEDIA_ROOT, with a manifest of counts and hashes."

    def add_arguments(self, parser):
        parser.add_argument("out_dir", help="A new or empty folder to write the backup into.")

    def handle(self, *args, **options):
        out = Path(options["out_dir"])
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty: give a new folder, so no earlier backup is overwritten.")
        out.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        if vendor not in backup.DUMP:
            raise CommandError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
        dump = out / backup.DUMP[vendor]
        state = self._dump_postgres(dump) if vendor == "postgresql" else self._dump_sqlite(dump)
        root = backup.media_root()
        files = backup.media_files(root)
        archive = out / backup.MEDIA_ARCHIVE
        backup.write_media_archive(root, archive)
        manifest = {
            "format": backup.FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "file": dump.name,
                "sha256": backup.sha256_file(dump),
                "size": dump.stat().st_size,
            },
            "media": {"file": archive.name, "sha256": backup.sha256_file(archive), "files": files},
            **state,
        }
        (out / backup.MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        claims = manifest["counts"].get("verification.claim", 0)
        events = manifest["counts"].get("verification.claimevent", 0)
        self.stdout.write(f"Backed up {claims} claims, {events} events and {len(files)} stored files to {out}.")

    def _snapshot_state(self) -> dict:
        return {"counts": backup.counts(), "digests": backup.digests(), "migrations": backup.migrations()}

    def _dump_postgres(self, target: Path) -> dict:
        if not shutil.which("pg_dump"):
            raise CommandError(
                "pg_dump is not installed: apt-get install postgresql-client (same major version as the server)."
            )
        args, env = backup.postgres_args()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            state = self._snapshot_state()
            # pg_dump reads the very snapshot counted above, while it is held open.
            result = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    *args,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
        return state

    def _dump_sqlite(self, target: Path) -> dict:
        # The transaction is IMMEDIATE: it holds the write lock, so nothing
        # commits between the counts and the copy. The copy reads through a
        # second connection (WAL readers pass the lock; a backup from the
        # locking connection itself would wait for its own lock forever).
        with transaction.atomic():
            state = self._snapshot_state()
            source, destination = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
        return state
