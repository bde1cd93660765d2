"""Assessing a claim (in review → awaiting sign-off): verdict, confidence, rationale."""

import pytest
from django.core.exceptions import ValidationError

from tests.verification.queue_helpers import fresh, kinds, last_event, published
from verification.models import Assessment, Claim
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_records_the_verdict_and_sends_it_for_sign_off(alice, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    transitions.assess(
        alice,
        claim.pk,
        verdict="unproven",
        confidence=0.35,
        credibility=4,
        rationale="The Pentagon could not confirm the figure.",
        expected_version=taken.version,
    )
    claim = fresh(claim)
    assert claim.state == Claim.State.AWAITING_SIGNOFF and claim.lease_owner is None
    assert claim.pending_assessment.verdict == "unproven" and claim.pending_assessment.reviewer == alice
    assert claim.last_reviewer == alice
    # Nothing is public before a second person signs off.
    assert claim.verdict == "" and claim.confidence is None and claim.published_assessment is None
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.verdict, event.confidence) == (
        "assessed",
        alice,
        "in_review",
        "awaiting_signoff",
        "unproven",
        0.35,
    )


def test_it_cannot_assess_a_published_claim(alice, bob, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    with pytest.raises(transitions.IllegalMove):
        transitions.assess(bob, claim.pk, verdict="false", confidence=0.9, rationale="Changed my mind.")
    claim = fresh(claim)
    assert claim.state == Claim.State.PUBLISHED and claim.verdict == "unproven"
    assert kinds(claim) == ["created", "taken", "assessed", "published"]


def test_it_stops_a_reviewer_assessing_a_claim_leased_to_someone_else(alice, bob, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    with pytest.raises(transitions.NotAllowed, match="not leased to you"):
        transitions.assess(bob, claim.pk, verdict="false", confidence=0.9, rationale="Looks wrong.")
    assert fresh(claim).state == Claim.State.IN_REVIEW and Assessment.objects.count() == 0


def test_it_stops_someone_without_a_role_assessing(carol, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.NotAllowed):
        transitions.assess(carol, claim.pk, verdict="false", confidence=0.9, rationale="Looks wrong.")
    assert kinds(claim) == ["created"]


@pytest.mark.parametrize(
    "field, values",
    [
        ("verdict", {"verdict": "probably", "confidence": 0.5, "rationale": "x"}),
        ("confidence", {"verdict": "false", "confidence": 1.5, "rationale": "x"}),
        ("rationale", {"verdict": "false", "confidence": 0.5, "rationale": "  "}),
        ("credibility", {"verdict": "false", "confidence": 0.5, "rationale": "x", "credibility": 7}),
    ],
)
def test_it_explains_what_is_wrong_with_an_assessment(alice, make_claim, field, values):
    claim = make_claim()
    transitions.take_next(alice)
    with pytest.raises(ValidationError) as caught:
        transitions.assess(alice, claim.pk, **values)
    assert list(caught.value.message_dict) == [field]
    assert fresh(claim).state == Claim.State.IN_REVIEW and Assessment.objects.count() == 0


def test_it_refuses_an_assessment_of_a_stale_version_and_names_who_changed_it(alice, erin, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    transitions.extend(alice, claim.pk)
    with pytest.raises(transitions.StaleVersion) as caught:
        transitions.assess(
            alice, claim.pk, verdict="false", confidence=0.9, rationale="Wrong.", expected_version=taken.version
        )
    message = str(caught.value)
    assert f"is at version {taken.version + 1}, not {taken.version}" in message and "alice extended it" in message
    assert fresh(claim).state == Claim.State.IN_REVIEW and Assessment.objects.count() == 0
