"""Time-driven work on claims: lease expiry, SLA escalation, priority aging,
re-review after new evidence, and the reconciler.

Deadlines live in the database, never in a broker ETA: periodic tasks (the
beat schedule in settings) scan for what is due. Every function here is
idempotent: run twice, concurrently, or again after a worker was killed
halfway, it changes nothing more. Writes to a claim lock the row and go
through ``verification.workflow.history.record``, like the transitions do.
"""

import logging
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from verification import enqueue
from verification.models import (
    Attribution,
    Claim,
    ClaimEvent,
    CustodyEvent,
    Evidence,
    IdempotentRequest,
    IntakeBatch,
    Notification,
    WebhookDelivery,
)
from verification.workflow import transitions
from verification.workflow.history import record
from verification.workflow.notifications import editors, notify, notify_editors_by_email

log = logging.getLogger(__name__)
State = Claim.State

ESCALATED_FLOOR = 90  # an overdue claim joins the urgent band...
ESCALATION_BOOST = 10  # ...and gains at least this much
RECONCILE_BATCH = 500  # at most this many re-sends of each kind per run


# --- Leases -----------------------------------------------------------------


def expire_due_leases(now: datetime | None = None) -> int:
    """Return every expired lease to the queue; the count returned."""
    now = now or timezone.now()
    due = Claim.objects.filter(lease_owner__isnull=False, lease_expires_at__lte=now)  # claim_lease_expiry_idx
    expired = 0
    for claim_id, owner_id in due.values_list("pk", "lease_owner_id"):
        # expire_lease re-checks owner and expiry under the lock: an extension
        # or release since this read wins.
        if transitions.expire_lease(claim_id, owner_id, now=now) is not None:
            expired += 1
    return expired


# --- SLA escalation ---------------------------------------------------------


def _breach(now: datetime) -> Q:
    """Overdue and not escalated since it fell due: one escalation per breach.
    A due time moved later by an editor makes a new breach possible."""
    return (
        Q(due_at__lt=now) & ~Q(state=State.PUBLISHED) & (Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("due_at")))
    )


def escalated_priority(priority: int) -> int:
    return min(100, max(priority + ESCALATION_BOOST, ESCALATED_FLOOR))


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every claim past its due time; the count escalated."""
    now = now or timezone.now()
    ids = list(Claim.objects.filter(_breach(now)).order_by("due_at").values_list("pk", flat=True))  # claim_due_idx
    return sum(escalate(claim_id, now) for claim_id in ids)


def escalate(claim_id: int, now: datetime | None = None) -> bool:
    """1. Lock the claim and check it is still in breach (another worker may
    have escalated it, or it was published meanwhile);
    2. raise its priority, set escalated_at, record an ESCALATED event;
    3. notify editors in-app (dedup key per claim and due time, so once per
    breach) and by e-mail after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(_breach(now), pk=claim_id).first()
        if claim is None:
            return False
        before = claim.priority
        claim.priority = escalated_priority(before)
        claim.escalated_at = now
        due = claim.due_at.isoformat()
        record(
            claim,
            ClaimEvent.Kind.ESCALATED,
            None,
            note=f"Overdue since {due}",
            changes={"due_at": due, "priority": {"from": before, "to": claim.priority}},
        )

        def message():
            return _escalation_message(claim, now)

        notify(editors(), Notification.Kind.ESCALATED, claim, message, dedup_key=f"escalated:{claim.pk}:{due}")
        # At most once: sent after commit by this, the only transaction that
        # saw escalated_at empty for this breach.
        desk = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/desk/"
        notify_editors_by_email(
            lambda: f"[{settings.ORGANISATION_NAME}] " + gettext("Overdue: claim %(number)s") % {"number": claim.pk},
            lambda: (
                f'{message()}\n\n"{claim.text[:300]}"\n\n' + gettext("Open the desk: %(url)s") % {"url": desk} + "\n"
            ),
        )
    return True


def _escalation_message(claim: Claim, now: datetime) -> str:
    late = max(1, int((now - claim.due_at).total_seconds() // 60))
    values = {
        "number": claim.pk,
        "late": late,
        "state": claim.get_state_display().lower(),
        "priority": claim.priority,
        "holder": claim.lease_owner.get_username() if claim.lease_owner_id else "",
    }
    if values["holder"]:
        return (
            ngettext(
                "Claim %(number)s is %(late)d minute past its due time (%(state)s, held by %(holder)s); "
                "priority raised to %(priority)s.",
                "Claim %(number)s is %(late)d minutes past its due time (%(state)s, held by %(holder)s); "
                "priority raised to %(priority)s.",
                late,
            )
            % values
        )
    return (
        ngettext(
            "Claim %(number)s is %(late)d minute past its due time (%(state)s); priority raised to %(priority)s.",
            "Claim %(number)s is %(late)d minutes past its due time (%(state)s); priority raised to %(priority)s.",
            late,
        )
        % values
    )


# --- Priority aging ---------------------------------------------------------


def aged_priority(
    base: int, *, waited_hours: float, sla_used: float, reach: int, views: int, sensitivity: float
) -> int:
    """The one priority formula: ``base`` plus five bounded boosts, 0–100.

    - base: what an editor (or an escalation) last set;
    - age: +1 per 4 hours since the claim came in, at most +15;
    - deadline: up to +15 as the SLA window is used up (``sla_used`` 0 at
      creation, 1 at the due time and after);
    - reach: up to +10, logarithmic (about +4 at 1,000 readers, +10 at 10 million);
    - views: up to +10, logarithmic (+5 at 100 views, +10 at 10,000);
    - sensitivity of the sources involved (0–1, see ``source_sensitivity``): up to +10.

    Every boost only grows with time or attention, so older and more-viewed
    claims rise, and the same inputs always give the same answer.
    """
    boost = (
        min(15.0, max(0.0, waited_hours) / 4)
        + 15 * min(1.0, max(0.0, sla_used))
        + 10 * min(1.0, math.log10(1 + max(0, reach)) / 7)
        + 10 * min(1.0, math.log10(1 + max(0, views)) / 4)
        + 10 * min(1.0, max(0.0, sensitivity))
    )
    return max(0, min(100, round(base + boost)))


def source_sensitivity(claim_ids) -> dict[int, float]:
    """0–1 per claim: +0.6 when a source involved (or the body it belongs
    to) is a party to a conflict, +0.4 when one is graded E or F."""
    attributions = Attribution.objects.filter(claim_id__in=claim_ids)
    parties = set(
        attributions.filter(
            Q(source__conflict_parties__isnull=False) | Q(source__parent__conflict_parties__isnull=False)
        ).values_list("claim_id", flat=True)
    )
    unreliable = set(attributions.filter(source__reliability__in=["E", "F"]).values_list("claim_id", flat=True))
    return {pk: 0.6 * (pk in parties) + 0.4 * (pk in unreliable) for pk in claim_ids}


def age_priorities(now: datetime | None = None) -> int:
    """Re-rank the claims waiting in the queue; the count changed.

    Only unleased queued or reopened claims: aging a claim someone is
    working on would bump its version under the reviewer's feet."""
    now = now or timezone.now()
    last_aging = ClaimEvent.objects.filter(claim=OuterRef("pk"), kind=ClaimEvent.Kind.PRIORITY).order_by("-id")
    waiting = (
        Claim.objects.filter(state__in=transitions.TAKEABLE, lease_owner__isnull=True)  # claim_queue_idx
        .annotate(last_aging_id=Subquery(last_aging.values("id")[:1]))
        .only("pk", "priority", "created_at", "due_at", "reach", "view_count")
        .order_by("pk")
    )
    changed, after = 0, 0
    while batch := list(waiting.filter(pk__gt=after)[:RECONCILE_BATCH]):
        after = batch[-1].pk
        changed += _age_batch(batch, now)
    return changed


def _age_batch(claims: list[Claim], now: datetime) -> int:
    sensitivity = source_sensitivity([c.pk for c in claims])
    last = dict(
        ClaimEvent.objects.filter(pk__in=[c.last_aging_id for c in claims if c.last_aging_id]).values_list(
            "claim_id", "changes"
        )
    )
    changed = 0
    for claim in claims:
        previous = last.get(claim.pk) or {}
        # Aging keeps the base it started from while the priority is still the
        # one it wrote; an edit or an escalation since then becomes the new base.
        base = previous.get("base", claim.priority) if previous.get("to") == claim.priority else claim.priority
        inputs = _aging_inputs(claim, now, sensitivity[claim.pk])
        target = aged_priority(base, **inputs)
        if target != claim.priority and _set_priority(claim.pk, claim.priority, base, target, inputs):
            changed += 1
    return changed


def _aging_inputs(claim: Claim, now: datetime, sensitivity: float) -> dict:
    waited = (now - claim.created_at).total_seconds()
    window = (claim.due_at - claim.created_at).total_seconds() if claim.due_at else 0
    sla_used = waited / window if window > 0 else float(bool(claim.due_at and claim.due_at <= now))
    return {
        "waited_hours": round(waited / 3600, 2),
        "sla_used": round(sla_used, 3),
        "reach": claim.reach,
        "views": claim.view_count,
        "sensitivity": round(sensitivity, 2),
    }


def _set_priority(claim_id: int, seen: int, base: int, target: int, inputs: dict) -> bool:
    with transaction.atomic():
        # SKIP LOCKED: a reviewer taking this claim right now wins; the next run catches up.
        claim = (
            Claim.objects.select_for_update(skip_locked=True)
            .filter(pk=claim_id, priority=seen, state__in=transitions.TAKEABLE, lease_owner__isnull=True)
            .first()
        )
        if claim is None:
            return False
        claim.priority = target
        record(
            claim,
            ClaimEvent.Kind.PRIORITY,
            None,
            note="Priority aged",
            changes={"from": seen, "to": target, "base": base, "inputs": inputs},
        )
    return True


# --- Re-review after new evidence --------------------------------------------


def rereview(claim_id: int, evidence_id: int, attempts: int = 3) -> bool:
    """Reopen a published claim for evidence added after its verdict; True if
    this call reopened it. Evidence the current verdict already weighed (added
    before publication), a claim already under review, or a missing row: no-op."""
    for _ in range(attempts):
        evidence = Evidence.objects.select_related("claim").filter(pk=evidence_id, claim_id=claim_id).first()
        if evidence is None:
            log.info("re-review: evidence %s of claim %s is gone", evidence_id, claim_id)
            return False
        claim = evidence.claim
        if claim.state != State.PUBLISHED or (claim.published_at and evidence.added_at <= claim.published_at):
            return False
        try:
            transitions.reopen(
                None,
                claim_id,
                reason=f"New evidence: {evidence.title}",
                expected_version=claim.version,
                dedup_key=f"reopen:{claim_id}:{evidence_id}",
            )
            return True
        except transitions.StaleVersion:
            continue  # changed between our read and the lock: look again
    return False


# --- Reconciler -------------------------------------------------------------


def reconcile(now: datetime | None = None) -> dict[str, int]:
    """Treat the database as the truth and redo what the broker lost:
    expired leases, webhook deliveries, evidence captures and intake batches still pending
    after a grace period, and re-reviews never done; and forget idempotency keys past their window. Re-sent tasks expire
    before the next run, so a slow worker does not pile up duplicates; the
    tasks themselves are idempotent, so a duplicate that runs is harmless."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.RECONCILE_GRACE_SECONDS)
    deliveries = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff)
    )  # delivery_pending_idx
    rereviews = Evidence.objects.filter(
        claim__state=State.PUBLISHED, added_at__gt=F("claim__published_at"), added_at__lt=cutoff
    )
    # Answered creates older than IDEMPOTENCY_HOURS are never replayed again: forget them, a
    # bounded batch a run, so the table holds about a window's worth of keys.
    expired = IdempotentRequest.objects.expired(now).order_by("pk").values_list("pk", flat=True)[:RECONCILE_BATCH]
    forgotten, _ = IdempotentRequest.objects.filter(pk__in=list(expired)).delete()
    return {
        "idempotency_keys_forgotten": forgotten,
        "leases": expire_due_leases(now),
        "deliveries": _resend("deliver_webhook", deliveries.values_list("pk", flat=True)),
        "captures": _resend("capture_evidence", _stalled_captures(now, cutoff)),
        "rereviews": _resend("rereview_claim", rereviews.values_list("claim_id", "pk")),
        # Only batches no worker ever took: a running one is redelivered by acks_late.
        "intake_batches": _resend(
            "run_intake_batch",
            IntakeBatch.objects.filter(status=IntakeBatch.Status.PENDING, created_at__lt=cutoff).values_list(
                "pk", flat=True
            ),
        ),
    }


def _stalled_captures(now: datetime, cutoff: datetime) -> list[int]:
    """Pending captures with no attempt due: a retry the capture task scheduled
    (its countdown is in the custody log) is not stalled until it is overdue."""
    pending = list(
        Evidence.objects.filter(capture_status=Evidence.Capture.PENDING, added_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )  # evidence_capture_pending_idx
    capture_log = CustodyEvent.objects.filter(
        evidence_id__in=pending, action__in=[CustodyEvent.Action.CAPTURE_REQUESTED, CustodyEvent.Action.CAPTURE_FAILED]
    ).order_by("id")
    latest = {custody.evidence_id: custody for custody in capture_log}  # the last one per evidence wins
    stalled = []
    for evidence_id in pending:
        last = latest.get(evidence_id)
        if last is None:
            stalled.append(evidence_id)  # added before the cutoff and never tried
            continue
        detail = last.detail or {}
        # "retry_in_seconds" is what rows written before retries moved to Celery's backoff say.
        wait = timedelta(seconds=detail.get("retry_within_seconds") or detail.get("retry_in_seconds") or 0)
        if last.created_at + wait < cutoff:
            stalled.append(evidence_id)
    return stalled


def _resend(task: str, rows) -> int:
    """Send ``task`` again for each row; each expires with the next run, so a
    slow worker does not pile up duplicates."""
    rows = list(rows[:RECONCILE_BATCH])
    for row in rows:
        args = row if isinstance(row, tuple) else (row,)
        enqueue.send(f"verification.tasks.{task}", *args, expires=settings.RECONCILE_SECONDS)
    if rows:
        log.warning("reconciler re-sent %d %s task(s) the broker lost or never got", len(rows), task)
    return len(rows)
