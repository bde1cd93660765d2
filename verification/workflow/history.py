"""Writing a claim change and its event row together.

Every write to a claim goes through ``record``: it bumps the version, saves the
claim and appends one ClaimEvent carrying the new version, so replaying the
events reproduces the claim's state and version.
"""

from verification.models import Claim, ClaimEvent

# Fields a transition may touch; saving only these keeps the UPDATE narrow.
_WRITABLE = [
    "state",
    "verdict",
    "confidence",
    "credibility",
    "published_assessment",
    "pending_assessment",
    "published_at",
    "first_published_at",
    "priority",
    "due_at",
    "escalated_at",
    "lease_owner",
    "lease_expires_at",
    "last_reviewer",
    "text",
    "language",
    "first_made_at",
    "reach",
    "version",
    "updated_at",
]


def record(
    claim: Claim,
    kind: str,
    actor,
    *,
    from_state: str = "",
    note: str = "",
    verdict: str = "",
    confidence: float | None = None,
    changes: dict | None = None,
    saved: bool = False,
) -> ClaimEvent:
    """``saved=True`` when the caller already wrote the row and bumped the version
    in its own statement (the one-round-trip lease on PostgreSQL)."""
    if not saved:
        claim.version += 1
        claim.save(update_fields=_WRITABLE)
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        actor=actor,
        from_state=from_state or claim.state,
        to_state=claim.state,
        verdict=verdict,
        confidence=confidence,
        changes=changes or {},
        note=note,
        version=claim.version,
    )
