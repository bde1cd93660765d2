"""The one place that sends a Celery task: by name, after the surrounding transaction commits.

Domain modules never import a task module (tasks import the domain, not the
other way round), so they name the task instead::

    enqueue.after_commit(enqueue.CAPTURE_EVIDENCE, evidence.pk)

The database is the truth and the broker a hint: a task that cannot be sent
is logged and counted, never raised into the caller, whose write has already
committed. The reconciler (verification.workflow.deadlines.reconcile) finds
the pending rows and sends the work again once the broker is back.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import DatabaseError, transaction

from verification.models import BrokerFailure

log = logging.getLogger(__name__)

# Task names, as registered in verification/tasks.py. They are part of the
# broker's contract: queued messages and beat entries name them, so they never change.
CAPTURE_EVIDENCE = "verification.tasks.capture_evidence"
DELIVER_WEBHOOK = "verification.tasks.deliver_webhook"
REREVIEW_CLAIM = "verification.tasks.rereview_claim"
RUN_INTAKE_BATCH = "verification.tasks.run_intake_batch"
RECOMPUTE_TRACK_RECORDS_FOR_CLAIM = "sources.tasks.recompute_track_records_for_claim"
REFIT_SUGGESTIONS = "verification.tasks.refit_suggestions"
MAKE_PREVIEW = "verification.tasks.make_preview"
READ_METADATA = "verification.tasks.read_metadata"
EXTRACT_KEYFRAMES = "verification.tasks.extract_keyframes"
STAMP_EVIDENCE_HASH = "verification.tasks.stamp_evidence_hash"


def send(task_name: str, *args, countdown: float | None = None, expires: float | None = None) -> bool:
    """Publish one task now; True if the broker took it. A failure is logged and
    recorded as a BrokerFailure row (shown on /healthz and the dashboard)."""
    try:
        current_app.send_task(task_name, args=list(args), countdown=countdown, expires=expires)
        return True
    except Exception as exc:
        log.exception("Could not send %s%r to the broker; the reconciler will send it again", task_name, args)
        _record_failure(task_name, args, exc)
        return False


def _record_failure(task_name: str, args: tuple, exc: Exception) -> None:
    try:
        BrokerFailure.objects.create(task=task_name, args=list(args), error=f"{type(exc).__name__}: {exc}"[:500])
    except DatabaseError:  # the database is down too: the log line above is all we can leave
        log.exception("Could not record the broker failure either")


def after_commit(task_name: str, *args, countdown: float | None = None) -> None:
    """Send ``task_name(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(task_name, *args, countdown=countdown))
