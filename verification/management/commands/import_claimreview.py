"""`python manage.py import_claimreview PATH_OR_URL [--dry-run] [--user USERNAME]`:
other fact-checkers' ClaimReviews, imported as external reviews.

PATH_OR_URL is a JSON-LD file (a ClaimReview, a list, an @graph), a schema.org
DataFeed, or an HTML page with application/ld+json scripts; an http(s) URL is
fetched through the SSRF-safe fetcher. Re-importing is safe: a review already
held (same URL) is updated if it changed, else left alone. If any record is
bad, nothing is written and every bad record is listed with its line (and
feed item), and the command exits 1. Progress goes to stderr; the summary
to stdout. See docs/external_reviews.md.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources.errors import Refused
from verification.intake.claimreview_import import parse, read_url
from verification.workflow.external_reviews import ImportRefused, import_reviews


class Command(BaseCommand):
    help = "Import ClaimReview published elsewhere (file, DataFeed or page URL) as external reviews."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="PATH_OR_URL", help="A JSON-LD or HTML file, or an http(s) URL.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing.")
        parser.add_argument(
            "--user", help="Record the import as this user's (who needs the right); by default, the system's."
        )

    def handle(self, *args, **options):
        actor = self._user(options["user"])
        source, quiet = options["source"], options["verbosity"] == 0
        parsed = read_url(source) if source.startswith(("http://", "https://")) else self._read_file(source)
        if not quiet:
            bad = f", {len(parsed.errors)} bad" if parsed.errors else ""
            self.stderr.write(
                f"Read {source}: {len(parsed.records)} good ClaimReview record(s){bad} ({parsed.format})."
            )
        bars: dict[str, tqdm] = {}

        def progress(step: str, done: int, total: int) -> None:
            bar = bars.get(step)
            if bar is None:
                for finished in bars.values():
                    finished.close()  # one bar at a time: checking ends before writing starts
                # The bars go to the real stderr (Django's wrapper adds a newline per update).
                bar = bars[step] = tqdm(total=total, unit="review", desc=step, disable=quiet, file=sys.stderr)
            bar.update(done - bar.n)

        try:
            result = import_reviews(actor, parsed, dry_run=options["dry_run"], progress=progress)
        except ImportRefused as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(
                f"{len(exc.errors)} bad record(s) in {source}; nothing was imported. Fix them and run it again."
            ) from None
        except Refused as exc:
            raise CommandError(str(exc)) from None
        finally:
            for bar in bars.values():
                bar.close()
        repeated = f", {result.repeated} given twice (imported once)" if result.repeated else ""
        if options["dry_run"]:
            self.stdout.write(
                f"Checked {source} (dry run, nothing written): {result.created} would be created, "
                f"{result.updated} updated, {result.unchanged} unchanged{repeated}."
            )
        else:
            self.stdout.write(
                f"Imported {source} as run {result.run.pk}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged{repeated}."
            )

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user '{username}'. Leave out --user to import as the system.")
        return user

    def _read_file(self, name: str):
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}.") from None
        return parse(data, path.name)
