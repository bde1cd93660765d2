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
import threading

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)

# Task names, as registered in verification/tasks.py. They are part of the
# broker's contract: queued messages and beat entries name them, so they never change.
CAPTURE_EVIDENCE = "verification.tasks.capture_evidence"
DELIVER_WEBHOOK = "verification.tasks.deliver_webhook"
REREVIEW_CLAIM = "verification.tasks.rereview_claim"
RUN_INTAKE_BATCH = "verification.tasks.run_intake_batch"
RECOMPUTE_TRACK_RECORDS_FOR_CLAIM = "sources.tasks.recompute_track_records_for_claim"

_failures = 0
_failures_lock = threading.Lock()


def send(task_name: str, *args, countdown: float | None = None, expires: float | None = None) -> bool:
    """Publish one task now; True if the broker took it. A failure is logged and counted."""
    global _failures
    try:
        current_app.send_task(task_name, args=list(args), countdown=countdown, expires=expires)
        return True
    except Exception:
        with _failures_lock:
            _failures += 1
        log.exception("Could not send %s%r to the broker; the reconciler will send it again", task_name, args)
        return False


def after_commit(task_name: str, *args, countdown: float | None = None) -> None:
    """Send ``task_name(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(task_name, *args, countdown=countdown))


def failures() -> int:
    """Tasks this process could not send since it started."""
    return _failures
