"""The review queue's tasks end to end, on a real Celery worker (never eager).

The worker is a separate process on the same (file-backed or PostgreSQL) test
database; tests enqueue tasks and poll the database for the outcome.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.verification.queue_helpers import add_evidence, expire_now, fresh, kinds, published
from tests.worker import wait_for
from verification.models import Claim, Notification
from verification.tasks import escalate_overdue, expire_leases
from verification.workflow import transitions

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def finished(worker, result) -> bool:
    """True once the worker logged the task with this id as done."""
    return bool(re.search(rf"Task [\w.]+\[{result.id}\] (succeeded|raised)", worker.log_tail(200_000)))


def test_it_returns_an_expired_lease_to_the_queue(alice, bob, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    expire_now(claim)
    expire_leases.delay()
    returned = wait_for(
        lambda: Claim.objects.filter(pk=claim.pk, state="queued", lease_owner=None).first(),
        timeout=30,
        message="the expired lease to come back",
    )
    assert returned.lease_expires_at is None and kinds(claim).count("expired") == 1
    assert transitions.take_next(bob).pk == claim.pk  # and someone else can take it


def test_it_escalates_an_overdue_claim_exactly_once_when_the_scan_runs_twice(erin, frank, make_claim, celery_worker):
    marker = uuid.uuid4().hex[:12]
    claim = make_claim(text=f"Claim {marker} is overdue", priority=40, due_at=timezone.now() - timedelta(hours=1))
    first, second = escalate_overdue.delay(), escalate_overdue.delay()
    wait_for(
        lambda: finished(celery_worker, first) and finished(celery_worker, second),
        timeout=30,
        message="both escalation scans to finish",
    )
    claim = fresh(claim)
    assert claim.priority == 90 and claim.escalated_at is not None
    assert kinds(claim).count("escalated") == 1
    assert sorted(
        Notification.objects.filter(kind="escalated", claim=claim).values_list("user__username", flat=True)
    ) == ["erin", "frank"]
    # The worker's e-mail backend is the console: one message per editor, quoting the claim, in its log.
    log = celery_worker.log_tail(200_000)
    assert log.count(marker) == 2 and f"Subject: [Claimdesk] Overdue: claim {claim.pk}\n" in log


def test_it_reopens_a_published_claim_when_new_evidence_arrives(alice, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin, verdict="unproven", confidence=0.4)
    with transaction.atomic():  # as evidence intake does
        evidence = add_evidence(claim, title="Drone footage of the column")
        transitions.request_rereview(claim.pk, evidence.pk)
    reopened = wait_for(
        lambda: Claim.objects.filter(pk=claim.pk, state="reopened").first(),
        timeout=30,
        message="the claim to be reopened",
    )
    assert reopened.verdict == "unproven" and reopened.confidence == 0.4  # still visible
    assert kinds(claim).count("reopened") == 1
    note = Notification.objects.get(user=alice, kind="reopened")
    assert "Drone footage of the column" in note.message
