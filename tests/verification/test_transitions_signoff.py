"""Four eyes: an editor other than the reviewer publishes (awaiting sign-off → published)."""

import pytest

from tests.verification.queue_helpers import assessed, fresh, kinds, last_event
from verification.models import Claim, Notification
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_publishes_the_verdict_and_records_who_signed_it_off(alice, erin, make_claim):
    claim = make_claim()
    pending = assessed(claim, alice, verdict="unproven", confidence=0.4)
    transitions.sign_off(erin, claim.pk, expected_version=pending.version, note="Agreed")
    claim = fresh(claim)
    assert claim.state == Claim.State.PUBLISHED and claim.verdict == "unproven" and claim.confidence == 0.4
    assert claim.published_assessment.reviewer == alice and claim.pending_assessment is None
    assert claim.published_at and claim.first_published_at == claim.published_at
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.verdict, event.note) == (
        "published",
        erin,
        "awaiting_signoff",
        "published",
        "unproven",
        "Agreed",
    )
    assert event.changes["signed_off_by"] == erin.pk
    assert Notification.objects.filter(user=alice, kind="published", claim=claim).count() == 1


def test_it_cannot_sign_off_a_claim_nobody_assessed(erin, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.IllegalMove):
        transitions.sign_off(erin, claim.pk)
    assert fresh(claim).state == Claim.State.QUEUED and kinds(claim) == ["created"]


def test_it_refuses_self_sign_off_even_for_an_editor(erin, frank, make_claim):
    claim = make_claim()
    assessed(claim, erin)  # editors may review too...
    with pytest.raises(transitions.NotAllowed, match="another editor must sign it off"):
        transitions.sign_off(erin, claim.pk)  # ...but never sign off their own verdict
    assert fresh(claim).state == Claim.State.AWAITING_SIGNOFF
    transitions.sign_off(frank, claim.pk)
    claim = fresh(claim)
    assert claim.state == Claim.State.PUBLISHED and last_event(claim).actor == frank


def test_it_stops_a_fact_checker_signing_off(alice, bob, make_claim):
    claim = make_claim()
    assessed(claim, alice)
    with pytest.raises(transitions.NotAllowed):
        transitions.sign_off(bob, claim.pk)
    assert fresh(claim).state == Claim.State.AWAITING_SIGNOFF and kinds(claim)[-1] == "assessed"


def test_it_refuses_a_second_sign_off_of_a_stale_version(alice, erin, frank, make_claim):
    claim = make_claim()
    pending = assessed(claim, alice)
    transitions.sign_off(erin, claim.pk, expected_version=pending.version)
    with pytest.raises(transitions.StaleVersion) as caught:
        transitions.sign_off(frank, claim.pk, expected_version=pending.version)
    assert "erin published it" in str(caught.value) and caught.value.changed_by == "erin"
    assert kinds(claim).count("published") == 1
