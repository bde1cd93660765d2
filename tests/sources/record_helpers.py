"""Helpers for the track-record tests (plain functions, not fixtures)."""

from verification.workflow import transitions
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim


def publish(text, attributions, reviewer, editor, verdict, confidence=0.7, first_made_at=None, tags=()):
    """Create a claim attributed as given and publish a verdict on it through the real transitions.

    `attributions` are (source, role) or (source, role, relays_source) tuples.
    """
    inputs = [
        AttributionInput(source=a[0], role=a[1], relays_source=a[2] if len(a) > 2 else None) for a in attributions
    ]
    claim = create_claim(None, ClaimInput(text=text, first_made_at=first_made_at, tags=list(tags), attributions=inputs))
    taken = transitions.take_next(reviewer)
    assert taken.pk == claim.pk, "publish() expects no other claim waiting in the queue"
    transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale="Checked against records.")
    return transitions.sign_off(editor, claim.pk)
