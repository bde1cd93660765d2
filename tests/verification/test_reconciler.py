"""The reconciler: the database is the truth; it re-sends what the broker lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.verification.queue_helpers import add_evidence, expire_now, fresh, kinds, published
from verification.models import Claim, Evidence, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.tasks import reconcile
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(sent_tasks):
    return sent_tasks


def calls(sent):
    """(task name, args) of each task the reconciler sent."""
    return [(name, args) for name, args, _ in sent]


def ago(seconds):
    return timezone.now() - timedelta(seconds=seconds)


def delivery(next_attempt_at, status=WebhookDelivery.Status.PENDING, url="http://127.0.0.1:9/hook"):
    endpoint = WebhookEndpoint.objects.create(url=url, secret="whsec_dGVzdA==")
    event = WebhookEvent(type="claim.created", payload={})
    event.save()
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, status=status, next_attempt_at=next_attempt_at
    )


def test_it_resends_webhook_deliveries_left_pending_past_their_time(sent, settings):
    settings.RECONCILE_GRACE_SECONDS = 60
    lost = delivery(ago(300))
    delivery(ago(10))  # still within grace: its task is probably on its way
    delivery(ago(300), status=WebhookDelivery.Status.DELIVERED)
    delivery(timezone.now() + timedelta(hours=1))  # a retry scheduled for later
    counts = reconcile()
    assert counts["deliveries"] == 1
    assert calls(sent) == [("verification.tasks.deliver_webhook", [lost.pk])]


def test_it_resends_evidence_captures_that_never_ran(sent, make_claim, settings):
    settings.RECONCILE_GRACE_SECONDS = 60
    claim = make_claim()
    stuck = add_evidence(claim, url="http://127.0.0.1:9/page", capture_status=Evidence.Capture.PENDING)
    Evidence.objects.filter(pk=stuck.pk).update(added_at=ago(600))
    add_evidence(claim, capture_status=Evidence.Capture.PENDING)  # just added
    Evidence.objects.filter(pk=add_evidence(claim, capture_status=Evidence.Capture.CAPTURED).pk).update(
        added_at=ago(600)
    )
    assert reconcile()["captures"] == 1
    assert calls(sent) == [("verification.tasks.capture_evidence", [stuck.pk])]


def test_it_resends_the_re_review_of_evidence_newer_than_the_published_verdict(sent, alice, erin, make_claim, settings):
    settings.RECONCILE_GRACE_SECONDS = 60
    claim = make_claim()
    before = add_evidence(claim, title="Weighed in the verdict")
    published(claim, alice, erin)
    Claim.objects.filter(pk=claim.pk).update(published_at=ago(900))
    Evidence.objects.filter(pk=before.pk).update(added_at=ago(1000))
    lost = add_evidence(claim, title="Arrived after publication")
    Evidence.objects.filter(pk=lost.pk).update(added_at=ago(600))
    assert reconcile()["rereviews"] == 1
    assert calls(sent) == [("verification.tasks.rereview_claim", [claim.pk, lost.pk])]


def test_it_returns_expired_leases_and_is_harmless_to_run_twice(sent, alice, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    expire_now(claim)
    assert reconcile() == {
        "idempotency_keys_forgotten": 0,
        "leases": 1,
        "deliveries": 0,
        "captures": 0,
        "rereviews": 0,
        "intake_batches": 0,
    }
    assert reconcile() == {
        "idempotency_keys_forgotten": 0,
        "leases": 0,
        "deliveries": 0,
        "captures": 0,
        "rereviews": 0,
        "intake_batches": 0,
    }
    assert fresh(claim).state == Claim.State.QUEUED and kinds(claim).count("expired") == 1
    assert calls(sent) == []


def test_it_sends_by_task_name_with_an_expiry_so_duplicates_do_not_pile_up(sent_tasks, settings):
    settings.RECONCILE_GRACE_SECONDS = 60
    settings.RECONCILE_SECONDS = 45
    lost = delivery(ago(300))
    reconcile()
    assert sent_tasks == [("verification.tasks.deliver_webhook", [lost.pk], {"expires": 45})]


def test_it_waits_for_a_capture_retry_that_is_scheduled_before_resending_it(sent, make_claim, settings):
    from verification.models import CustodyEvent

    settings.RECONCILE_GRACE_SECONDS = 60
    claim = make_claim()
    waiting, overdue = (
        add_evidence(claim, url=f"http://127.0.0.1:9/{n}", capture_status=Evidence.Capture.PENDING)
        for n in ("waiting", "overdue")
    )
    Evidence.objects.filter(pk__in=[waiting.pk, overdue.pk]).update(added_at=ago(3600))
    for evidence, failed_ago in ((waiting, 120), (overdue, 1000)):
        failure = CustodyEvent.objects.create(
            evidence=evidence, action="capture_failed", detail={"retry_in_seconds": 600}
        )
        CustodyEvent.objects.filter(pk=failure.pk).update(created_at=ago(failed_ago))
    assert reconcile()["captures"] == 1
    assert calls(sent) == [("verification.tasks.capture_evidence", [overdue.pk])]


def test_it_resends_intake_batches_no_worker_ever_took(sent, alice, settings):
    from verification.models import IntakeBatch

    settings.RECONCILE_GRACE_SECONDS = 60
    lost = IntakeBatch.objects.create(created_by=alice, text="Officials said 40 people were hurt.")
    IntakeBatch.objects.filter(pk=lost.pk).update(created_at=ago(600))
    IntakeBatch.objects.create(created_by=alice, text="Just submitted.")
    running = IntakeBatch.objects.create(created_by=alice, text="Taken.", status=IntakeBatch.Status.RUNNING)
    IntakeBatch.objects.filter(pk=running.pk).update(created_at=ago(600))  # acks_late redelivers a running one
    assert reconcile()["intake_batches"] == 1
    assert calls(sent) == [("verification.tasks.run_intake_batch", [lost.pk])]


def test_it_forgets_idempotency_keys_past_their_window(alice, settings):
    from verification.models import IdempotentRequest

    old = IdempotentRequest.reserve("old-key", "h1", user=alice)
    fresh_key = IdempotentRequest.reserve("fresh-key", "h2", user=alice)
    IdempotentRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_HOURS, minutes=1)
    )
    assert reconcile()["idempotency_keys_forgotten"] == 1
    assert list(IdempotentRequest.objects.values_list("pk", flat=True)) == [fresh_key.pk]
