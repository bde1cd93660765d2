"""Reopening a published claim (published → reopened) while its verdict stays visible."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.verification.queue_helpers import fresh, kinds, last_event, published
from verification.models import Claim, Notification
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_reopens_a_published_claim_and_keeps_the_verdict_visible(alice, erin, make_claim):
    claim = make_claim()
    done = published(claim, alice, erin)
    Claim.objects.filter(pk=claim.pk).update(due_at=timezone.now() - timedelta(days=3))
    transitions.reopen(erin, claim.pk, reason="New satellite images", expected_version=done.version)
    claim = fresh(claim)
    assert claim.state == Claim.State.REOPENED and claim.verdict == "unproven" and claim.confidence == 0.4
    assert claim.published_assessment is not None and claim.due_at > timezone.now() and claim.escalated_at is None
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.note) == (
        "reopened",
        erin,
        "published",
        "reopened",
        "New satellite images",
    )
    assert Notification.objects.get(user=alice, kind="reopened").claim == claim


def test_it_cannot_reopen_a_claim_that_was_never_published(erin, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.IllegalMove):
        transitions.reopen(erin, claim.pk, reason="Why not")
    assert fresh(claim).state == Claim.State.QUEUED and kinds(claim) == ["created"]


def test_it_cannot_reopen_a_claim_under_review(alice, erin, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    with pytest.raises(transitions.IllegalMove, match="Only a published claim"):
        transitions.reopen(erin, claim.pk, reason="Why not")
    claim = fresh(claim)
    assert claim.state == Claim.State.IN_REVIEW and claim.lease_owner == alice


def test_it_stops_a_fact_checker_reopening(alice, bob, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    with pytest.raises(transitions.NotAllowed):
        transitions.reopen(bob, claim.pk, reason="I disagree")
    assert fresh(claim).state == Claim.State.PUBLISHED and kinds(claim)[-1] == "published"


def test_it_reopens_once_per_cause_even_when_asked_again_after_a_new_verdict(alice, bob, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    transitions.reopen(None, claim.pk, reason="New evidence", dedup_key="reopen:1:1")
    transitions.reopen(None, claim.pk, reason="New evidence", dedup_key="reopen:1:1")
    transitions.take_next(bob)
    transitions.assess(bob, claim.pk, verdict="likely_true", confidence=0.7, rationale="Images match.")
    transitions.sign_off(erin, claim.pk)
    transitions.reopen(None, claim.pk, reason="New evidence", dedup_key="reopen:1:1")  # a late duplicate
    claim = fresh(claim)
    assert claim.state == Claim.State.PUBLISHED and claim.verdict == "likely_true"
    assert kinds(claim).count("reopened") == 1
    assert Notification.objects.filter(kind="reopened").count() == 1


def test_it_refuses_a_reopen_of_a_stale_version(alice, erin, frank, make_claim):
    claim = make_claim()
    done = published(claim, alice, erin)
    transitions.reopen(frank, claim.pk, reason="Correction needed")
    transitions.take_next(alice)
    with pytest.raises(transitions.StaleVersion, match="alice took it"):
        transitions.reopen(erin, claim.pk, reason="Also me", expected_version=done.version)
    assert kinds(claim).count("reopened") == 1
