"""Leases: one per reviewer, extended, released, reassigned, expired."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.verification.queue_helpers import expire_now, fresh, kinds, last_event
from verification.models import Claim, Notification
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_gives_a_reviewer_who_holds_a_claim_that_claim_again(alice, make_claim):
    first = make_claim(text="First", priority=80)
    make_claim(text="Second", priority=60)
    assert transitions.take_next(alice).pk == first.pk
    assert transitions.take_next(alice).pk == first.pk
    assert transitions.held_claim(alice).pk == first.pk
    assert Claim.objects.filter(lease_owner=alice).count() == 1 and kinds(first).count("taken") == 1


def test_it_lets_a_reviewer_hold_several_when_the_setting_allows(alice, make_claim, settings):
    settings.ONE_LEASE_PER_REVIEWER = False
    make_claim(text="First", priority=80)
    make_claim(text="Second", priority=60)
    assert transitions.take_next(alice).pk != transitions.take_next(alice).pk
    assert Claim.objects.filter(lease_owner=alice).count() == 2


def test_it_hands_out_a_new_claim_once_the_held_lease_has_run_out(alice, make_claim):
    first = make_claim(text="First", priority=80)
    second = make_claim(text="Second", priority=60)
    transitions.take_next(alice)
    expire_now(first)
    assert transitions.held_claim(alice) is None
    assert transitions.take_next(alice).pk == second.pk  # the stale lease waits for the expiry scan


def test_it_uses_the_configured_lease_length(alice, make_claim, settings):
    settings.LEASE_SECONDS = 90
    make_claim()
    claim = transitions.take_next(alice)
    remaining = (claim.lease_expires_at - timezone.now()).total_seconds()
    assert 85 < remaining <= 90


def test_it_extends_the_lease_for_its_owner(alice, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() + timedelta(minutes=1))
    transitions.extend(alice, claim.pk, expected_version=taken.version)
    claim = fresh(claim)
    assert claim.lease_expires_at > timezone.now() + timedelta(minutes=25) and claim.lease_owner == alice
    event = last_event(claim)
    assert event.kind == "extended" and event.actor == alice and event.version == claim.version


def test_it_refuses_to_extend_someone_elses_lease(alice, bob, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    with pytest.raises(transitions.NotAllowed):
        transitions.extend(bob, claim.pk)
    claim = fresh(claim)
    assert claim.lease_expires_at == taken.lease_expires_at and kinds(claim) == ["created", "taken"]


def test_it_lets_an_editor_reassign_a_claim_and_tells_the_new_reviewer(alice, bob, erin, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    transitions.reassign(erin, claim.pk, bob, note="Bob reads Korean")
    claim = fresh(claim)
    assert claim.lease_owner == bob and claim.state == Claim.State.IN_REVIEW
    event = last_event(claim)
    assert (
        event.kind == "reassigned"
        and event.actor == erin
        and event.changes == {"from_owner_id": alice.pk, "to_owner_id": bob.pk}
    )
    assert Notification.objects.get(user=bob, kind="assigned").claim == claim
    assert transitions.held_claim(alice) is None and transitions.held_claim(bob).pk == claim.pk


def test_it_assigns_a_queued_claim_straight_to_a_reviewer(bob, erin, make_claim):
    claim = make_claim()
    transitions.reassign(erin, claim.pk, bob)
    claim = fresh(claim)
    assert claim.state == Claim.State.IN_REVIEW and claim.lease_owner == bob
    assert last_event(claim).from_state == "queued"


def test_it_stops_a_fact_checker_reassigning(alice, bob, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    with pytest.raises(transitions.NotAllowed):
        transitions.reassign(alice, claim.pk, bob)
    assert fresh(claim).lease_owner == alice and not Notification.objects.exists()


def test_it_will_not_assign_a_claim_to_someone_who_cannot_review(carol, erin, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.NotAllowed, match="carol is not a reviewer"):
        transitions.reassign(erin, claim.pk, carol)
    assert fresh(claim).state == Claim.State.QUEUED


def test_it_cannot_reassign_a_claim_awaiting_sign_off(alice, bob, erin, make_claim):
    from tests.verification.queue_helpers import assessed

    claim = make_claim()
    assessed(claim, alice)
    with pytest.raises(transitions.IllegalMove):
        transitions.reassign(erin, claim.pk, bob)
    assert fresh(claim).state == Claim.State.AWAITING_SIGNOFF and fresh(claim).lease_owner is None


def test_it_expires_a_lease_only_if_it_is_still_the_same_owners_and_overdue(alice, bob, erin, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    assert transitions.expire_lease(claim.pk, alice.pk) is None  # not yet expired
    expire_now(claim)
    assert transitions.expire_lease(claim.pk, bob.pk) is None  # not bob's
    transitions.expire_lease(claim.pk, alice.pk)
    assert transitions.expire_lease(claim.pk, alice.pk) is None  # already done
    claim = fresh(claim)
    assert claim.state == Claim.State.QUEUED and claim.lease_owner is None
    event = last_event(claim)
    assert (event.kind, event.actor, event.changes) == ("expired", None, {"owner_id": alice.pk})
    assert kinds(claim).count("expired") == 1


def test_it_never_leases_one_claim_to_two_reviewers(alice, bob, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    assert transitions.take_next(bob) is None
    assert fresh(claim).lease_owner == alice and kinds(claim).count("taken") == 1


def test_it_hands_back_the_claim_exactly_as_stored(alice, make_claim):
    """take_next builds the Claim straight from its SQL row on PostgreSQL."""
    make_claim(text="Russia has lost 600,000 troops.", priority=77, reach=1200)
    taken = transitions.take_next(alice)
    stored = Claim.objects.get(pk=taken.pk)
    for field in Claim._meta.concrete_fields:
        assert getattr(taken, field.attname) == getattr(stored, field.attname), field.name
    assert taken.lease_owner == alice and taken.get_state_display() == "In review"
