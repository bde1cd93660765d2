"""From article to proposed claims: submitting a batch and the worker that reads it.

``submit`` checks the input and stores a pending batch; nothing else is written
for bad input. After commit a worker runs ``run_intake_batch``: it reads the
URL if one was given, extracts the claims (verification.intake.extraction), matches
each attributed name to a source (verification.intake.matching), compares
each claim with existing ones (verification.intake.dedup) and stores the
proposals, updating the batch's progress as it goes. Reviewing the proposals
lives in verification.intake.review.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification import enqueue
from verification.evidence.fetching import FetchError, FetchFailed, FetchPolicy, check_url
from verification.intake.articles import IntakeRefused, check_size, check_text, read_url
from verification.intake.dedup import DuplicateFinder, link_target
from verification.intake.extraction import ExtractionError, ProposedClaim, extract_claims
from verification.intake.matching import SourceMatcher
from verification.models import IntakeBatch, Proposal
from verification.urlnorm import check_web_url

logger = logging.getLogger(__name__)

# One news article proposes a few dozen claims at most; hundreds mean a paste of
# many articles (or a page of listings), which no one could review as one batch.
MAX_PROPOSALS = 300
FETCH_RETRIES = 3
RETRY_BASE_SECONDS = 15
Status = IntakeBatch.Status


def submit(actor, *, text: str = "", url: str = "") -> IntakeBatch:
    """A pending batch for the pasted ``text`` or the article at ``url``, queued for a worker.

    1. Only people who may add claims may submit; 2. exactly one of text and
    URL; 3. text is checked now (size, article, one language), a URL's
    address now and its page by the worker; 4. the batch is written and its
    task sent after commit."""
    if actor is None or not actor.has_perm("verification.add_claim"):
        raise PermissionDenied(
            gettext("Your role cannot submit claims, so it cannot submit articles either. Ask an admin.")
        )
    text, url = (text or "").strip(), (url or "").strip()
    if text and url:
        raise IntakeRefused(gettext("Give the article's text or its URL, not both."), code="text_and_url")
    if url:
        _check_address(url)
    else:
        text = check_text(text)
    with transaction.atomic():
        batch = IntakeBatch.objects.create(created_by=actor, text=text, url=url)
        enqueue.after_commit(enqueue.RUN_INTAKE_BATCH, batch.pk)
    return batch


def _check_address(url: str) -> None:
    try:
        check_web_url(url)  # the same words as every other address field (verification.urlnorm)
    except ValidationError as exc:
        raise IntakeRefused(exc.messages[0], code="bad_url") from None
    try:
        check_url(url, FetchPolicy(allow_loopback=settings.ALLOW_LOOPBACK_FETCH))
    except FetchError as exc:
        transient = isinstance(exc, FetchFailed) and exc.transient
        raise IntakeRefused(
            gettext("Cannot read %(url)s: %(reason)s.") % {"url": url, "reason": exc.reason},
            code="bad_url",
            transient=transient,
        ) from exc


class IntakeRetry(Exception):
    """The page could not be read for now and retries remain: the intake task's
    ``autoretry_for`` sends it again with Celery's backoff and jitter."""


def retry_window(retries_made: int) -> int:
    """The latest the next attempt can come (Celery's full-jitter backoff waits up to this)."""
    return RETRY_BASE_SECONDS * 2**retries_made


def run_batch(batch_id: int, retries_left: int = 0) -> None:
    """Read one batch into proposals; raise IntakeRetry when a transient failure should be retried.

    1. Take the batch (pending, or running again after a worker died: the
       work is redone and replaces what was there); return if it is gone or done.
    2. For a URL, fetch the page and keep its text; check the text.
    3. Extract, match and compare, counting progress per proposal.
    4. Store every proposal and mark the batch done in one transaction; on a
       refusal, mark it failed with the reason and store nothing."""
    taken = IntakeBatch.objects.filter(pk=batch_id, status__in=[Status.PENDING, Status.RUNNING]).update(
        status=Status.RUNNING, error="", progress_done=0, progress_total=0
    )
    if taken != 1:
        return None
    batch = IntakeBatch.objects.get(pk=batch_id)
    try:
        if batch.url:
            _read_page(batch)
        claims = extract_claims(batch.text, max_chars=settings.INTAKE_MAX_BYTES)
        if len(claims) > MAX_PROPOSALS:
            raise IntakeRefused(
                gettext(
                    "The text holds %(count)s checkable sentences, more than one article has (at most "
                    "%(max_proposals)s). Submit one article at a time."
                )
                % {"count": len(claims), "max_proposals": MAX_PROPOSALS},
                code="too_many_claims",
            )
        _finish(batch_id, _propose(batch, claims))
    except IntakeRefused as exc:
        if exc.transient and retries_left > 0:
            wait = retry_window(FETCH_RETRIES - retries_left)
            _set(batch_id, status=Status.PENDING, error=f"{exc} Trying again within {wait} seconds.")
            raise IntakeRetry(str(exc)) from exc
        _fail(batch_id, str(exc))
    except ExtractionError as exc:
        _fail(batch_id, str(exc))
    except Exception:
        logger.exception("Intake batch %s failed", batch_id)
        _fail(
            batch_id,
            "Something went wrong on our side while reading this article; it has been logged. "
            "Submit it again, or ask an admin to look at the worker log.",
        )


def _read_page(batch: IntakeBatch) -> None:
    final_url, title, text = read_url(batch.url)
    if not text.strip():
        raise IntakeRefused(
            gettext(
                "%(final_url)s has no readable text: it may need JavaScript, or be a page of links. Paste "
                "the article's text instead."
            )
            % {"final_url": final_url},
            code="not_an_article",
        )
    check_size(len(text.encode("utf-8")))
    batch.text = check_text(text)
    batch.final_url, batch.title = final_url[:2000], title
    IntakeBatch.objects.filter(pk=batch.pk).update(text=batch.text, final_url=batch.final_url, title=title)


def _propose(batch: IntakeBatch, claims: list[ProposedClaim]) -> list[Proposal]:
    """Unsaved proposals, with matched sources and duplicate suggestions."""
    _set(batch.pk, progress_total=len(claims))
    matcher = SourceMatcher()  # every source name and alias, read once for the batch
    finder = DuplicateFinder([c.text for c in claims])
    proposals = []
    for i, claim in enumerate(claims):
        attributions = [
            {
                "name": a.name,
                "title": a.title,
                "role": a.role,
                "quote": a.quote,
                "kind": a.kind,
                **matcher.match(a.name, a.kind).as_json(),
            }
            for a in claim.attributions
        ]
        duplicates = finder.similar(i)
        proposals.append(
            Proposal(
                batch=batch,
                position=i,
                text=claim.text,
                is_opinion=claim.is_opinion,
                checkable_reasons=claim.checkable_reasons,
                attributions=attributions,
                duplicates=[d.as_json() for d in duplicates],
                linked_claim_id=link_target(claim.text, duplicates),
            )
        )
        _set(batch.pk, progress_done=i + 1)
    return proposals


def _set(batch_id: int, **fields) -> None:
    IntakeBatch.objects.filter(pk=batch_id).update(**fields)


def _fail(batch_id: int, message: str) -> None:
    with transaction.atomic():
        Proposal.objects.filter(batch_id=batch_id).delete()
        _set(batch_id, status=Status.FAILED, error=message, progress_done=0, finished_at=timezone.now())


def _finish(batch_id: int, proposals: list[Proposal]) -> None:
    with transaction.atomic():
        Proposal.objects.filter(batch_id=batch_id).delete()
        Proposal.objects.bulk_create(proposals)
        _set(batch_id, status=Status.DONE, finished_at=timezone.now())
