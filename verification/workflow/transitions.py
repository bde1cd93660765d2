"""The review workflow: the only module that changes a claim's ``state``.

Every function here follows the same steps:
1. run in ``transaction.atomic()`` and lock the claim row (``select_for_update``;
   on SQLite the IMMEDIATE transaction already serialises writers),
2. check the move against ALLOWED_MOVES, the actor's right to make it, and the
   version the caller read (one clear exception per failure),
3. return early when nothing would change,
4. write the change, bump ``version`` and add one ClaimEvent row,
5. enqueue follow-up work (webhooks, notifications, recomputes) on commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification import enqueue
from verification.models import Assessment, Claim, ClaimEvent, Notification, Verdict
from verification.status import status_fields
from verification.webhooks import outbox
from verification.workflow import checklists
from verification.workflow.claims import default_due_at
from verification.workflow.errors import (
    IllegalMove,
    NotAllowed,
    Refused,
    StaleVersion,
    require_permission,
    stale_version,
)
from verification.workflow.history import record
from verification.workflow.notifications import notify

__all__ = ["ALLOWED_MOVES", "TAKEABLE", "IllegalMove", "NotAllowed", "StaleVersion", "Refused"]

State = Claim.State

# The whole graph. A move not listed here raises IllegalMove.
ALLOWED_MOVES: dict[str, set[str]] = {
    State.QUEUED: {State.IN_REVIEW},
    State.IN_REVIEW: {State.QUEUED, State.REOPENED, State.AWAITING_SIGNOFF},
    State.AWAITING_SIGNOFF: {State.PUBLISHED, State.IN_REVIEW},
    State.PUBLISHED: {State.REOPENED},
    State.REOPENED: {State.IN_REVIEW},
}
TAKEABLE = (State.QUEUED, State.REOPENED)


def _lock(claim_id: int) -> Claim:
    try:
        return Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise IllegalMove(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id}) from None


def _check(claim: Claim, to_state: str, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        raise stale_version(claim, expected_version)
    if to_state != claim.state and to_state not in ALLOWED_MOVES[claim.state]:
        raise IllegalMove(
            gettext("A claim that is %(lower)s cannot move to %(lower2)s.")
            % {"lower": claim.get_state_display().lower(), "lower2": State(to_state).label.lower()}
        )


def _require(actor, perm: str, what: str) -> None:
    require_permission(actor, f"verification.{perm}", what)


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.LEASE_SECONDS)


def _move(claim, kind, actor, to_state, note="", **fields) -> Claim:
    """Apply a state change and its event; announce it after commit."""
    from_state = claim.state
    claim.state = to_state
    record(claim, kind, actor, from_state=from_state, note=note, **fields)
    if from_state != to_state:
        outbox.emit("claim.state_changed", _status(claim))
    return claim


def _status(claim):
    return status_fields(claim)


# --- Leases -----------------------------------------------------------------


def held_claim(actor) -> Claim | None:
    return (
        Claim.objects.filter(lease_owner=actor, state=State.IN_REVIEW, lease_expires_at__gt=timezone.now())
        .order_by("lease_expires_at")
        .first()
    )


def take_next(actor) -> Claim | None:
    """Lease the highest-priority unleased claim to ``actor``.

    1. A reviewer already holding a lease gets that claim back (safe to repeat).
    2. Otherwise lock the best candidate with SKIP LOCKED, so concurrent
       reviewers each get a different row in one round trip.
    3. Lease it, record the event. Returns None when nothing is queued.
    """
    _require(actor, "review_claim", "take claims from the queue")
    with transaction.atomic():
        if settings.ONE_LEASE_PER_REVIEWER:
            held = held_claim(actor)
            if held is not None:
                return held
        if connection.vendor == "postgresql":
            return _lease_next_in_one_statement(actor)
        # SQLite: the IMMEDIATE transaction holds the write lock from BEGIN,
        # so no other process can lease between this SELECT and the UPDATE.
        claim = (
            Claim.objects.select_for_update(skip_locked=True)
            .filter(state__in=TAKEABLE, lease_owner__isnull=True)
            .order_by("-priority", "created_at")
            .first()
        )
        if claim is None:
            return None
        claim.lease_owner = actor
        claim.lease_expires_at = _lease_until()
        return _move(claim, ClaimEvent.Kind.TAKEN, actor, State.IN_REVIEW)


# Lock, lease and record in one round trip: the first CTE picks the best
# unleased row no other transaction holds (SKIP LOCKED, served by
# claim_queue_idx), the second leases it, the third appends the TAKEN event,
# and the final SELECT says whether any webhook endpoint needs telling.
_LEASE_NEXT_SQL = """
WITH next AS (
    SELECT id, state FROM verification_claim
    WHERE state IN (%(queued)s, %(reopened)s) AND lease_owner_id IS NULL
    ORDER BY priority DESC, created_at LIMIT 1 FOR UPDATE SKIP LOCKED
), leased AS (
    UPDATE verification_claim AS c
    SET state = %(in_review)s, lease_owner_id = %(actor)s, lease_expires_at = %(until)s,
        version = c.version + 1, updated_at = %(now)s
    FROM next WHERE c.id = next.id
    RETURNING c.*, next.state AS from_state
), event AS (
    INSERT INTO verification_claimevent
        (claim_id, kind, actor_id, from_state, to_state, verdict, confidence, changes, note, version, created_at)
    SELECT id, %(taken)s, %(actor)s, from_state, %(in_review)s, '', NULL, '{}'::jsonb, '', version,
           -- Never before the claim's previous event: the time was read before
           -- the lock, and another reviewer may have released the row since.
           GREATEST(%(now)s, (SELECT max(e.created_at) FROM verification_claimevent e WHERE e.claim_id = leased.id))
    FROM leased
    RETURNING id
)
SELECT CLAIM_COLUMNS, EXISTS (SELECT 1 FROM verification_webhookendpoint WHERE active) FROM leased
""".replace("CLAIM_COLUMNS", ", ".join(f.column for f in Claim._meta.concrete_fields))
# The statement names TAKEABLE's states as two parameters (a literal list keeps
# claim_queue_idx, a partial index, usable by the planner).
assert set(TAKEABLE) == {State.QUEUED, State.REOPENED}, "update _LEASE_NEXT_SQL's WHERE with TAKEABLE"
# Built straight from the row (RawQuerySet's column mapping costs more CPU
# than the statement itself); every Claim column is a type psycopg returns as is.
_CLAIM_ATTNAMES = [f.attname for f in Claim._meta.concrete_fields]


def _lease_next_in_one_statement(actor) -> Claim | None:
    now = timezone.now()
    params = {
        "actor": actor.pk,
        "until": now + timedelta(seconds=settings.LEASE_SECONDS),
        "now": now,
        "queued": State.QUEUED.value,
        "reopened": State.REOPENED.value,
        "in_review": State.IN_REVIEW.value,
        "taken": ClaimEvent.Kind.TAKEN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_LEASE_NEXT_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    claim = Claim.from_db(connection.alias, _CLAIM_ATTNAMES, row[:-1])
    if row[-1]:  # some webhook endpoint is active
        outbox.emit("claim.state_changed", _status(claim))
    return claim


def release(actor, claim_id: int, expected_version: int | None = None, note: str = "") -> Claim:
    """Give a leased claim back to the queue (the owner, or an editor)."""
    with transaction.atomic():
        claim = _lock(claim_id)
        back_to = State.REOPENED if claim.published_assessment_id else State.QUEUED
        _check(claim, back_to, expected_version)
        if claim.state != State.IN_REVIEW:
            raise IllegalMove(
                gettext("Only a claim in review can be released; this one is %(lower)s.")
                % {"lower": claim.get_state_display().lower()}
            )
        if claim.lease_owner_id != actor.pk:
            _require(actor, "assign_claim", "release another reviewer's claim")
        claim.lease_owner = None
        claim.lease_expires_at = None
        return _move(claim, ClaimEvent.Kind.RELEASED, actor, back_to, note=note)


def extend(actor, claim_id: int, expected_version: int | None = None) -> Claim:
    """Restart the lease clock for its owner."""
    with transaction.atomic():
        claim = _lock(claim_id)
        _check(claim, claim.state, expected_version)
        if claim.state != State.IN_REVIEW or claim.lease_owner_id != actor.pk:
            raise NotAllowed(gettext("Only the reviewer holding this claim can extend its lease."))
        claim.lease_expires_at = _lease_until()
        record(
            claim,
            ClaimEvent.Kind.EXTENDED,
            actor,
            from_state=claim.state,
            changes={"lease_expires_at": claim.lease_expires_at.isoformat()},
        )
        return claim


def expire_lease(claim_id: int, owner_id: int, now=None) -> Claim | None:
    """Return an expired lease to the queue, if it is still the same owner's
    and still expired (the task may run late, twice, or after an extension)."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
        if (
            claim is None
            or claim.lease_owner_id != owner_id
            or claim.lease_expires_at is None
            or claim.lease_expires_at > now
        ):
            return None
        back_to = State.REOPENED if claim.published_assessment_id else State.QUEUED
        claim.lease_owner = None
        claim.lease_expires_at = None
        return _move(
            claim, ClaimEvent.Kind.EXPIRED, None, back_to, note="Lease expired", changes={"owner_id": owner_id}
        )


def reassign(actor, claim_id: int, to_user, expected_version: int | None = None, note: str = "") -> Claim:
    """An editor hands a queued or in-review claim to a named reviewer."""
    _require(actor, "assign_claim", "reassign claims")
    if not to_user.has_perm("verification.review_claim"):
        raise NotAllowed(
            gettext("%(get_username)s is not a reviewer and cannot hold claims.")
            % {"get_username": to_user.get_username()}
        )
    with transaction.atomic():
        claim = _lock(claim_id)
        _check(claim, State.IN_REVIEW, expected_version)
        if claim.state not in (*TAKEABLE, State.IN_REVIEW):
            raise IllegalMove(
                gettext("A claim that is %(lower)s cannot be assigned.") % {"lower": claim.get_state_display().lower()}
            )
        if claim.lease_owner_id == to_user.pk:
            return claim
        previous = claim.lease_owner_id
        claim.lease_owner = to_user
        claim.lease_expires_at = _lease_until()
        _move(
            claim,
            ClaimEvent.Kind.REASSIGNED,
            actor,
            State.IN_REVIEW,
            note=note,
            changes={"from_owner_id": previous, "to_owner_id": to_user.pk},
        )
        notify(
            [to_user],
            Notification.Kind.ASSIGNED,
            claim,
            lambda: (
                gettext("%(actor)s assigned you claim %(number)s.")
                % {"actor": actor.get_username(), "number": claim.pk}
            ),
        )
        return claim


# --- Assessment and sign-off ------------------------------------------------


def assess(
    actor,
    claim_id: int,
    *,
    verdict: str,
    confidence: float,
    rationale: str,
    credibility: int | None = None,
    expected_version: int | None = None,
) -> Claim:
    """The lease holder records a verdict; it waits for a second person's sign-off."""
    _require(actor, "review_claim", "assess claims")
    _validate_assessment(verdict, confidence, rationale, credibility)
    with transaction.atomic():
        claim = _lock(claim_id)
        _check(claim, State.AWAITING_SIGNOFF, expected_version)
        if claim.state != State.IN_REVIEW or claim.lease_owner_id != actor.pk:
            raise NotAllowed(gettext("Take the claim from the queue before assessing it; it is not leased to you."))
        assessment = Assessment.objects.create(
            claim=claim,
            reviewer=actor,
            verdict=verdict,
            confidence=confidence,
            rationale=rationale,
            credibility=credibility,
        )
        claim.pending_assessment = assessment
        claim.last_reviewer = actor
        claim.lease_owner = None
        claim.lease_expires_at = None
        return _move(
            claim,
            ClaimEvent.Kind.ASSESSED,
            actor,
            State.AWAITING_SIGNOFF,
            verdict=verdict,
            confidence=confidence,
            changes={"assessment_id": assessment.pk},
        )


def _validate_assessment(verdict, confidence, rationale, credibility) -> None:
    from django.core.exceptions import ValidationError

    errors = {}
    if verdict not in Verdict.values:
        errors["verdict"] = [
            gettext("'%(verdict)s' is not a verdict; use one of %(verdict_values)s.")
            % {"verdict": verdict, "verdict_values": ", ".join(Verdict.values)}
        ]
    if not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        errors["confidence"] = [gettext("Confidence must be a number from 0 to 1.")]
    if not (rationale or "").strip():
        errors["rationale"] = [gettext("Explain the verdict: the rationale is what readers see.")]
    if credibility is not None and credibility not in range(1, 7):
        errors["credibility"] = [gettext("Information credibility is a grade from 1 to 6.")]
    if errors:
        raise ValidationError(errors)


def sign_off(actor, claim_id: int, expected_version: int | None = None, note: str = "") -> Claim:
    """A second person publishes the pending assessment (four eyes)."""
    _require(actor, "signoff_claim", "sign off verdicts")
    with transaction.atomic():
        claim = _lock(claim_id)
        _check(claim, State.PUBLISHED, expected_version)
        if claim.state != State.AWAITING_SIGNOFF:
            raise IllegalMove(
                gettext("Only an assessed claim can be signed off; this one is %(lower)s.")
                % {"lower": claim.get_state_display().lower()}
            )
        assessment = claim.pending_assessment
        if assessment.reviewer_id == actor.pk:
            raise NotAllowed(gettext("You assessed this claim; another editor must sign it off."))
        # Required checklist items still open: recorded below, or refused (CLAIMDESK_CHECKLIST_BLOCKS_SIGNOFF).
        open_items = checklists.open_before_signoff(claim)
        now = timezone.now()
        correction = claim.published_assessment_id is not None
        claim.published_assessment = assessment
        claim.pending_assessment = None
        claim.verdict = assessment.verdict
        claim.confidence = assessment.confidence
        claim.credibility = assessment.credibility
        claim.published_at = now
        claim.first_published_at = claim.first_published_at or now
        claim.escalated_at = None
        # Readers see the text signed off now until the next sign-off, however
        # a re-review edits ``text`` meanwhile (verification.workflow.claims).
        claim.published_text = claim.text
        claim.save(update_fields=["published_text"])
        _move(
            claim,
            ClaimEvent.Kind.PUBLISHED,
            actor,
            State.PUBLISHED,
            note=note,
            verdict=assessment.verdict,
            confidence=assessment.confidence,
            changes={
                "assessment_id": assessment.pk,
                "correction": correction,
                "signed_off_by": actor.pk,
                "text": claim.text,
                **({"open_checklist_items": open_items} if open_items else {}),
            },
        )
        outbox.emit("claim.published", _status(claim))
        notify(
            [assessment.reviewer],
            Notification.Kind.PUBLISHED,
            claim,
            lambda: (
                gettext("%(actor)s published your verdict on claim %(number)s.")
                % {"actor": actor.get_username(), "number": claim.pk}
            ),
        )
        enqueue.after_commit(enqueue.RECOMPUTE_TRACK_RECORDS_FOR_CLAIM, claim.pk)
        # Delayed, so the track records above are fresh and a burst of sign-offs costs one refit.
        enqueue.after_commit(enqueue.REFIT_SUGGESTIONS, countdown=settings.SUGGESTION_REFIT_DELAY_SECONDS)
        return claim


def return_for_changes(actor, claim_id: int, comment: str, expected_version: int | None = None) -> Claim:
    """Send an assessment back to its reviewer with a comment they will see."""
    _require(actor, "signoff_claim", "return assessments")
    if not (comment or "").strip():
        from django.core.exceptions import ValidationError

        raise ValidationError({"comment": [gettext("Say what the reviewer should change.")]})
    with transaction.atomic():
        claim = _lock(claim_id)
        _check(claim, State.IN_REVIEW, expected_version)
        if claim.state != State.AWAITING_SIGNOFF:
            raise IllegalMove(
                gettext("Only an assessed claim can be returned; this one is %(lower)s.")
                % {"lower": claim.get_state_display().lower()}
            )
        reviewer = claim.pending_assessment.reviewer
        if reviewer.pk == actor.pk:
            raise NotAllowed(gettext("You assessed this claim; another editor must review it."))
        claim.pending_assessment = None
        claim.lease_owner = reviewer
        claim.lease_expires_at = _lease_until()
        _move(claim, ClaimEvent.Kind.RETURNED, actor, State.IN_REVIEW, note=comment)
        notify(
            [reviewer],
            Notification.Kind.RETURNED,
            claim,
            lambda: (
                gettext("%(actor)s returned claim %(number)s: %(comment)s")
                % {"actor": actor.get_username(), "number": claim.pk, "comment": comment}
            ),
        )
        return claim


def reopen(actor, claim_id: int, reason: str, expected_version: int | None = None, dedup_key: str = "") -> Claim:
    """Put a published claim back in the queue with a fresh due time. Its
    published verdict stays visible until a new one is signed off. ``actor``
    None means the system (new evidence arrived); ``dedup_key`` names the
    cause, so a task that runs twice reopens (and notifies) once per cause."""
    if actor is not None:
        _require(actor, "reopen_claim", "reopen published claims")
    with transaction.atomic():
        claim = _lock(claim_id)
        # The version first, as in every action: a stale reopen is 409 even
        # when the claim is already reopened (the early returns below).
        if expected_version is not None and claim.version != expected_version:
            raise stale_version(claim, expected_version)
        if claim.state == State.REOPENED:
            return claim
        if dedup_key and claim.events.filter(kind=ClaimEvent.Kind.REOPENED, changes__dedup_key=dedup_key).exists():
            return claim
        _check(claim, State.REOPENED, expected_version)
        if claim.state != State.PUBLISHED:
            # The graph allows in_review → reopened (a released correction);
            # reopening itself only ever starts from a published verdict.
            raise IllegalMove(
                gettext("Only a published claim can be reopened; this one is %(lower)s.")
                % {"lower": claim.get_state_display().lower()}
            )
        # A new review is a new deadline: the old due time passed long ago.
        claim.due_at = default_due_at(claim.priority)
        claim.escalated_at = None
        _move(
            claim,
            ClaimEvent.Kind.REOPENED,
            actor,
            State.REOPENED,
            note=reason,
            changes={"dedup_key": dedup_key} if dedup_key else None,
        )
        outbox.emit("claim.reopened", _status(claim))
        notify(
            [claim.last_reviewer],
            Notification.Kind.REOPENED,
            claim,
            lambda: gettext("Claim %(number)s was reopened: %(reason)s") % {"number": claim.pk, "reason": reason},
            dedup_key=dedup_key,
        )
        return claim


def request_rereview(claim_id: int, evidence_id: int) -> None:
    """Evidence intake calls this, inside its transaction, when evidence is
    added to a published claim. After commit the re-review task reopens the
    claim (once per evidence item); if the broker loses the task, the
    reconciler finds the evidence newer than the verdict and sends it again."""
    enqueue.after_commit(enqueue.REREVIEW_CLAIM, claim_id, evidence_id)
