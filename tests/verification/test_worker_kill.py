"""A worker SIGKILLed mid-task on Redis: after a restart every follow-up is
done, and done once.

The task is acknowledged late, so the killed worker's message stays unacked
in Redis and comes back after the visibility timeout (3 s here); the task is
idempotent, so the claims it had already handled are not handled again.
"""

import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from tests.services import require_redis
from tests.worker import CeleryWorker, unacked_on_redis, wait_for
from verification.models import Claim, ClaimEvent
from verification.tasks import escalate_overdue, expire_leases

LEASED = 120  # enough that the scan is still running when the first claim is done
OVERDUE = 20
VISIBILITY = 3

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def make_backlog():
    owners = User.objects.bulk_create([User(username=f"gone-{i}") for i in range(5)])
    past = timezone.now() - timedelta(minutes=5)
    Claim.objects.bulk_create(
        [
            Claim(text=f"Leased {i}", state="in_review", lease_owner=owners[i % 5], lease_expires_at=past)
            for i in range(LEASED)
        ]
        + [Claim(text=f"Overdue {i}", due_at=past) for i in range(OVERDUE)]
    )


def events_per_claim(kind: str) -> list[int]:
    return list(
        ClaimEvent.objects.filter(kind=kind).values("claim").annotate(n=Count("id")).values_list("n", flat=True)
    )


def test_it_finishes_every_follow_up_exactly_once_after_the_worker_is_killed_mid_task(tmp_path):
    require_redis()
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"  # the session's worker must not take these tasks
    worker = CeleryWorker(
        tmp_path / "worker.log",
        pool="solo",
        concurrency=1,
        extra_env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY), "CELERY_TASK_DEFAULT_QUEUE": queue},
    )
    make_backlog()
    worker.start()
    try:
        expire_leases.apply_async(queue=queue)
        escalate_overdue.apply_async(queue=queue)  # waits its turn: solo pool, prefetch 1
        wait_for(
            lambda: ClaimEvent.objects.filter(kind="expired").exists(),
            timeout=20,
            interval=0.01,
            message="the lease scan to start",
        )
        worker.kill()
        at_kill = ClaimEvent.objects.filter(kind="expired").count()
        assert 0 < at_kill < LEASED, "the worker should have died halfway through the scan"
        held = unacked_on_redis(settings.CELERY_BROKER_URL, queue)
        assert held, "the killed task's message should still be unacknowledged in Redis (acks_late)"
        # A worker restores, at start-up, the unacked messages older than the
        # visibility timeout: start it once Redis holds the killed one as that old.
        wait_for(
            lambda: all(
                delivered <= time.time() - VISIBILITY
                for delivered in unacked_on_redis(settings.CELERY_BROKER_URL, queue, only=held).values()
            ),
            timeout=VISIBILITY + 5,
            interval=0.1,
            message=f"the killed worker's unacked message(s) {sorted(held)} to pass the {VISIBILITY} s visibility "
            "timeout in Redis",
        )
        worker.start()
        wait_for(
            lambda: (
                not Claim.objects.filter(lease_owner__isnull=False).exists()
                and not Claim.objects.filter(due_at__isnull=False, escalated_at__isnull=True).exists()
            ),
            timeout=40,
            message=lambda: f"the redelivered tasks to finish\n{worker.log_tail()}",
        )
    finally:
        worker.stop()
    assert Claim.objects.filter(state="queued", lease_owner=None).count() == LEASED + OVERDUE
    assert events_per_claim("expired") == [1] * LEASED
    assert events_per_claim("escalated") == [1] * OVERDUE
    assert Claim.objects.filter(escalated_at__isnull=False, priority=90).count() == OVERDUE
