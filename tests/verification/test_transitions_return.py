"""Returning an assessment to its reviewer with a comment (awaiting sign-off → in review)."""

import pytest
from django.core.exceptions import ValidationError

from tests.verification.queue_helpers import assessed, fresh, kinds, last_event, published
from verification.models import Claim, Notification
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_hands_the_claim_back_to_its_reviewer_with_the_comment(alice, erin, make_claim):
    claim = make_claim()
    pending = assessed(claim, alice)
    transitions.return_for_changes(erin, claim.pk, "Cite the Pentagon briefing.", expected_version=pending.version)
    claim = fresh(claim)
    assert claim.state == Claim.State.IN_REVIEW and claim.lease_owner == alice and claim.pending_assessment is None
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.note) == (
        "returned",
        erin,
        "awaiting_signoff",
        "in_review",
        "Cite the Pentagon briefing.",
    )
    note = Notification.objects.get(user=alice, kind="returned")
    assert "Cite the Pentagon briefing." in note.message and note.claim == claim


def test_it_cannot_return_a_published_claim(alice, erin, frank, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    with pytest.raises(transitions.IllegalMove):
        transitions.return_for_changes(frank, claim.pk, "Too late?")
    assert fresh(claim).state == Claim.State.PUBLISHED and kinds(claim)[-1] == "published"


def test_it_refuses_to_let_the_reviewer_return_their_own_assessment(erin, make_claim):
    claim = make_claim()
    assessed(claim, erin)
    with pytest.raises(transitions.NotAllowed):
        transitions.return_for_changes(erin, claim.pk, "Hmm")
    assert fresh(claim).state == Claim.State.AWAITING_SIGNOFF


def test_it_stops_a_fact_checker_returning_an_assessment(alice, bob, make_claim):
    claim = make_claim()
    assessed(claim, alice)
    with pytest.raises(transitions.NotAllowed):
        transitions.return_for_changes(bob, claim.pk, "Redo it")
    assert (
        fresh(claim).state == Claim.State.AWAITING_SIGNOFF and not Notification.objects.filter(kind="returned").exists()
    )


def test_it_asks_for_a_comment(alice, erin, make_claim):
    claim = make_claim()
    assessed(claim, alice)
    with pytest.raises(ValidationError) as caught:
        transitions.return_for_changes(erin, claim.pk, " ")
    assert "comment" in caught.value.message_dict
    assert fresh(claim).state == Claim.State.AWAITING_SIGNOFF
