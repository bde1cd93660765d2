"""`python manage.py make_previews`: previews for stored evidence files that have none.

For bytes stored before previews existed, or after a limit was raised
(`--retry-unavailable`). The beat's sweep does the same in the background, in
batches (verification.evidence.previews.sweep); this works through everything
now, one line per file, here or (`--enqueue`) on the workers. Safe to run at
any time and more than once: a preview already made is left alone.
"""

from django.core.management.base import BaseCommand

from verification import enqueue
from verification.evidence import previews
from verification.models import Preview, StoredFile


class Command(BaseCommand):
    help = "Make the previews of stored evidence files that have none (images, PDFs' first pages, video frames)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Send the work to the workers instead.")
        parser.add_argument(
            "--retry-unavailable",
            action="store_true",
            help="Also try again files recorded as having no preview (after raising a CLAIMDESK_PREVIEW_* limit).",
        )

    def handle(self, *args, **options):
        ids = previews.to_do(retry_unavailable=options["retry_unavailable"])
        self.stdout.write(f"{len(ids)} stored files to preview.")
        if options["enqueue"]:
            sent = sum(enqueue.send(enqueue.MAKE_PREVIEW, stored_id) for stored_id in ids)
            self.stdout.write(f"Sent {sent} of {len(ids)} to the workers.")
            return
        counts = {Preview.Status.READY: 0, Preview.Status.UNAVAILABLE: 0, None: 0}
        for number, stored_id in enumerate(ids, start=1):
            stored = StoredFile.objects.filter(pk=stored_id).first()
            if stored is None:
                continue
            previews.make(stored_id)
            cover = Preview.objects.filter(stored_file_id=stored_id, kind=Preview.Kind.COVER).first()
            status = cover.status if cover and cover.status != Preview.Status.PENDING else None
            counts[status] += 1
            self.stdout.write(f"[{number}/{len(ids)}] stored file {stored_id} ({stored.content_type}): {_said(cover)}")
        done = f"Done: {counts['ready']} ready, {counts['unavailable']} without a preview."
        busy = f" {counts[None]} still being made elsewhere." if counts[None] else ""
        self.stdout.write(done + busy)


def _said(cover) -> str:
    if cover is None or cover.status == Preview.Status.PENDING:
        return "being made by another worker"
    if cover.status == Preview.Status.READY:
        return f"ready, {cover.width}×{cover.height}"
    return f"no preview: {cover.reason}"
