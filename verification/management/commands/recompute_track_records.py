"""`python manage.py recompute_track_records`: rebuild every source's track record.

The same computation the sign-off task runs for one claim's sources, over all
sources in batches, with a progress bar. Safe to run at any time and more than
once: it writes the same rows.
"""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from sources.models import Source
from verification.credibility.track_records import BATCH_SIZE, recompute_all


class Command(BaseCommand):
    help = "Recompute the track record of every source from published verdicts on claims it stated."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Sources per transaction.")

    def handle(self, *args, **options):
        total = Source.objects.count()
        # The bar goes to the real stderr (Django's wrapper adds a newline per update);
        # stdout stays a one-line summary that scripts can read.
        with tqdm(total=total, unit="source", disable=options["verbosity"] == 0, file=sys.stderr) as bar:
            written = recompute_all(progress=lambda done, _: bar.update(done - bar.n), batch_size=options["batch_size"])
        self.stdout.write(f"Recomputed {written} track record(s) for {total} source(s).")
