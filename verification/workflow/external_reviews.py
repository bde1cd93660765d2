"""The one write of external reviews: an import run of parsed ClaimReviews.

The command (import_claimreview) and the admin's "Import ClaimReview" page
both read their input with verification.intake.claimreview_import and hand
the result here. Same rules as every other write: check the right, lock,
compare, write with a record of the run, all in one transaction. The review
URL is the key: a URL seen before is updated if anything about it changed,
else left alone, so importing the same file twice changes nothing the second
time. If any record is bad the whole import is refused and nothing is
written, the run row included.

External reviews are other organisations' verdicts: nothing here touches
claims, their verdicts or track records, and nothing is announced to webhooks.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from verification.intake.claimreview_import import Parsed, Record, RecordError
from verification.models import ExternalReview, ExternalReviewImport
from verification.workflow.errors import Refused, require_permission

PERMISSION = "verification.add_externalreview"
# Compared on re-import, and written on update: everything that comes from the record.
COMPARED = (
    "claim_reviewed",
    "claimant",
    "claim_date",
    "publisher_name",
    "publisher_site",
    "title",
    "review_date",
    "textual_rating",
    "rating_value",
    "rating_best",
    "rating_worst",
    "language",
    "licence",
    "raw",
)
BATCH = 500  # rows per query: under SQLite's variable limit, and a progress step


class ImportRefused(Refused):
    """The input had bad records (or none at all); nothing was written.
    ``errors`` lists every one, in the order they appear."""

    code = "claimreview_import_refused"
    http_status = 400

    def __init__(self, source: str, errors: list[RecordError]):
        self.source, self.errors = source, errors
        shown = "; ".join(map(str, errors[:3])) + ("; …" if len(errors) > 3 else "")
        super().__init__(
            f"{source}: {len(errors)} bad record(s), so nothing was imported. Fix them and import again: {shown}"
        )


class ConcurrentImport(Refused):
    code = "claimreview_import_concurrent"

    def __init__(self, source: str):
        super().__init__(
            f"{source}: another import wrote some of the same reviews at the same moment, so this one was rolled "
            "back. Run it again: reviews already there are updated or left as they are."
        )


@dataclass
class ImportResult:
    source: str
    format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # given twice, identically, in the input: counted once
    run: ExternalReviewImport | None = None  # None on a dry run

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_reviews(
    actor, parsed: Parsed, *, dry_run: bool = False, progress: Callable[[str, int, int], None] | None = None
) -> ImportResult:
    """Write the records of ``parsed`` as external reviews.

    1. Check the actor's right (``actor=None`` is the system: the command run
       without --user, by whoever has the server's shell).
    2. Refuse the whole import if any record is bad or there is none.
    3. In one transaction, lock the rows these URLs already have and sort each
       record into created, updated or unchanged.
    4. Unless ``dry_run``: write the run row with its counts, then the new and
       changed reviews in batches.
    ``progress(step, done, total)`` is called after each batch, ``step`` being
    "checked" (records compared with the rows held) or "written" (rows written).
    """
    if actor is not None:
        require_permission(actor, PERMISSION, "import other fact-checkers' reviews", ask="an administrator")
    if parsed.errors or not parsed.records:
        raise ImportRefused(parsed.source, parsed.errors or [RecordError("the file", "", "holds no ClaimReview.")])
    result = ImportResult(parsed.source, parsed.format, repeated=parsed.repeated)
    try:
        with transaction.atomic():
            new, changed = _sort(parsed.records, result, progress)
            if not dry_run:
                _write(actor, new, changed, result, progress)
    except IntegrityError as exc:
        # Only the URL is unique: a concurrent import inserted one of ours after we looked.
        raise ConcurrentImport(parsed.source) from exc
    return result


def _sort(records: list[Record], result: ImportResult, progress) -> tuple[list[Record], list[ExternalReview]]:
    """New records, and existing rows (locked) with the record's values set where something changed."""
    new, changed, total = [], [], len(records)
    for start in range(0, total, BATCH):
        batch = records[start : start + BATCH]
        held = {
            row.url: row
            for row in ExternalReview.objects.select_for_update().filter(url__in=[r.fields["url"] for r in batch])
        }
        for record in batch:
            row = held.get(record.fields["url"])
            if row is None:
                new.append(record)
                result.created += 1
            elif _differs(row, record):
                _assign(row, record)
                changed.append(row)
                result.updated += 1
            else:
                result.unchanged += 1
        if progress:
            progress("checked", start + len(batch), total)
    return new, changed


def _differs(row: ExternalReview, record: Record) -> bool:
    wanted = {**record.fields, "raw": record.raw}
    return any(getattr(row, name) != wanted[name] for name in COMPARED)


def _assign(row: ExternalReview, record: Record) -> None:
    for name in COMPARED:
        setattr(row, name, record.raw if name == "raw" else record.fields[name])


def _write(actor, new: list[Record], changed: list[ExternalReview], result: ImportResult, progress) -> None:
    status = ExternalReviewImport.Status
    run = ExternalReviewImport.objects.create(
        imported_by=actor,
        source=result.source[:2000],
        format=result.format,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        status=status.IMPORTED if new or changed else status.UNCHANGED,
    )
    result.run = run
    stamp = {"imported_at": run.started_at, "imported_by": actor, "import_run": run}
    done, total = 0, len(new) + len(changed)
    for start in range(0, len(new), BATCH):
        rows = [ExternalReview(**record.fields, raw=record.raw, **stamp) for record in new[start : start + BATCH]]
        ExternalReview.objects.bulk_create(rows)  # its queryset fills search_text, as save() does
        done += len(rows)
        if progress:
            progress("written", done, total)
    for start in range(0, len(changed), BATCH):
        rows = changed[start : start + BATCH]
        for row in rows:
            for name, value in stamp.items():
                setattr(row, name, value)
            # One UPDATE per row: for 20,000 changed reviews on PostgreSQL, 23 s against 65 s
            # for bulk_update, whose CASE over 16 columns the planner handles badly.
            row.save(update_fields=[*COMPARED, *stamp])  # save() sets search_text
        done += len(rows)
        if progress:
            progress("written", done, total)
