"""`python manage.py restore IN_DIR`: bring back a backup into an empty database.

1. Check the manifest and the SHA-256 of both archives before touching anything.
2. Refuse a database that already has tables, and a MEDIA_ROOT that already
   has files: a restore never merges into, or overwrites, live data.
3. Restore the database (``pg_restore --single-transaction``, or SQLite's
   backup API) and unpack the evidence files into MEDIA_ROOT.
4. Verify: every row count and every digest (claims, events, assessments,
   custody, stored-file hashes) equals the manifest, and every stored file
   hashes to the SHA-256 its row names. Any difference is an error.

Typical use: ``createdb claimdesk_restored``, then
``DATABASE_URL=postgres://…/claimdesk_restored MEDIA_ROOT=/srv/media-restored manage.py restore /backups/2026-11-27``.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from verification.management.commands import _backup as backup


class Command(BaseCommand):
    help = "Restore a `manage.py backup` folder into an empty database and an empty MEDIA_ROOT, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("in_dir", help="The folder `manage.py backup` wrote.")

    def handle(self, *args, **options):
        folder = Path(options["in_dir"])
        manifest = backup.read_manifest(folder)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise CommandError(f"This backup is of a {vendor} database; DATABASE_URL points at {connection.vendor}.")
        dump = backup.check_archive(folder, manifest["database"])
        archive = backup.check_archive(folder, manifest["media"])
        root = backup.media_root()
        self._refuse_non_empty(root)
        if vendor == "postgresql":
            self._restore_postgres(dump)
        else:
            self._restore_sqlite(dump)
        backup.extract_media_archive(archive, root)
        checked = self._verify(manifest, root)
        self.stdout.write(f"Restored and verified {checked} from {folder}.")

    def _refuse_non_empty(self, root: Path) -> None:
        tables = connection.introspection.table_names()
        if tables:
            name = connection.settings_dict["NAME"]
            raise CommandError(
                f"Database {name} already has {len(tables)} tables. Restore needs an empty database: "
                "create a new one and point DATABASE_URL at it."
            )
        if root.exists() and any(p.is_file() for p in root.rglob("*")):
            raise CommandError(f"MEDIA_ROOT {root} already holds files. Point MEDIA_ROOT at an empty folder.")

    def _restore_postgres(self, dump: Path) -> None:
        if not shutil.which("pg_restore"):
            raise CommandError("pg_restore is not installed: apt-get install postgresql-client.")
        args, env = backup.postgres_args()
        connection.close()  # pg_restore works alone; we reconnect to verify
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore failed ({result.returncode}); nothing was restored: {result.stderr.strip()}"
            )

    def _restore_sqlite(self, dump: Path) -> None:
        connection.close()
        source = sqlite3.connect(dump)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def _verify(self, manifest: dict, root: Path) -> str:
        connection.close()
        problems = []
        for label, want, got in (
            ("rows", manifest["counts"], backup.counts()),
            ("digest", manifest["digests"], backup.digests()),
        ):
            problems += [
                f"{label} {name}: backup {want.get(name)}, restored {got.get(name)}"
                for name in sorted(set(want) | set(got))
                if want.get(name) != got.get(name)
            ]
        files = backup.media_files(root)
        problems += [
            f"file {name}: not restored intact"
            for name, entry in manifest["media"]["files"].items()
            if files.get(name) != entry
        ]
        from verification.models import StoredFile

        for sha256, name in StoredFile.objects.values_list("sha256", "file"):
            path = root / name
            if not path.exists() or backup.sha256_file(path) != sha256:
                problems.append(f"stored file {name}: missing or not SHA-256 {sha256}")
        if problems:
            raise CommandError("The restore does not match the backup:\n  " + "\n  ".join(problems[:50]))
        counts = manifest["counts"]
        return (
            f"{counts.get('verification.claim', 0)} claims, {counts.get('verification.claimevent', 0)} events "
            f"and {len(files)} stored files"
        )
