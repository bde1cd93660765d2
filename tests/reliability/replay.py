"""Replaying a claim's events must give the claim as stored.

Used after every fault: a kill, a restart or a race may leave no claim whose
history and current row disagree. The events of one claim, ordered by
version, must run 1, 2, 3... without gaps or repeats, start with ``created``,
chain (each event's ``from_state`` is the previous ``to_state``), and end in
the stored state, version, lease holder and published verdict.
"""

from collections import defaultdict

from verification.models import Claim, ClaimEvent

Kind = ClaimEvent.Kind
# Events that end a lease, and events that start one (the holder is known).
LEASE_ENDS = {Kind.RELEASED, Kind.EXPIRED, Kind.ASSESSED, Kind.PUBLISHED, Kind.REOPENED}
STATE_KEEPING = {Kind.EXTENDED, Kind.ESCALATED, Kind.PRIORITY, Kind.EDITED, Kind.EVIDENCE}


def replayed(events: list[ClaimEvent]) -> dict:
    """The state, version, lease holder and verdict the events add up to."""
    state, owner, verdict, assessor = None, None, "", None
    for expected_version, event in enumerate(events, start=1):
        where = f"claim {event.claim_id} event {event.pk} ({event.kind}, v{event.version})"
        assert event.version == expected_version, f"{where}: expected version {expected_version}"
        if expected_version == 1:
            assert event.kind == Kind.CREATED, f"{where}: the first event must be 'created'"
        else:
            assert event.kind != Kind.CREATED, f"{where}: a second 'created'"
            assert event.from_state == state, f"{where}: starts from {event.from_state!r}, history says {state!r}"
        if event.kind in STATE_KEEPING:
            assert event.to_state == event.from_state, f"{where}: a {event.kind} event may not move the state"
        state = event.to_state
        owner, verdict, assessor = _lease_and_verdict(event, owner, verdict, assessor)
    return {"state": state, "version": len(events), "lease_owner_id": owner, "verdict": verdict}


def _lease_and_verdict(event, owner, verdict, assessor):
    if event.kind == Kind.TAKEN:
        owner = event.actor_id
    elif event.kind == Kind.REASSIGNED:
        owner = event.changes["to_owner_id"]
    elif event.kind == Kind.RETURNED:
        owner = assessor  # back to the reviewer who assessed it
    elif event.kind in LEASE_ENDS:
        owner = None
    if event.kind == Kind.ASSESSED:
        assessor = event.actor_id
    if event.kind == Kind.PUBLISHED:
        verdict = event.verdict
    return owner, verdict, assessor


def assert_history_replays(claim_ids=None) -> int:
    """Check every claim (or those given); the number of events checked."""
    claims = Claim.objects.all() if claim_ids is None else Claim.objects.filter(pk__in=list(claim_ids))
    stored = {c.pk: c for c in claims.only("pk", "state", "version", "lease_owner_id", "verdict")}
    events = defaultdict(list)
    for event in ClaimEvent.objects.filter(claim_id__in=list(stored)).order_by("claim_id", "version", "id"):
        events[event.claim_id].append(event)
    for pk, claim in stored.items():
        got = replayed(events[pk])
        want = {
            "state": claim.state,
            "version": claim.version,
            "lease_owner_id": claim.lease_owner_id,
            "verdict": claim.verdict,
        }
        assert got == want, f"claim {pk}: the history replays to {got}, the row holds {want}"
    return sum(len(v) for v in events.values())
