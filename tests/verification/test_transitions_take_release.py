"""Taking the next claim (queued → in review) and releasing it (→ queued)."""

import pytest

from tests.verification.queue_helpers import fresh, kinds, last_event
from verification.models import Claim
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_leases_the_highest_priority_claim_and_records_who_took_it(alice, make_claim):
    make_claim(text="Low priority claim", priority=20)
    urgent = make_claim(text="Urgent claim", priority=95)
    taken = transitions.take_next(alice)
    assert taken.pk == urgent.pk
    claim = fresh(urgent)
    assert claim.state == Claim.State.IN_REVIEW and claim.lease_owner == alice and claim.lease_expires_at
    assert claim.version == 2
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.version) == (
        "taken",
        alice,
        "queued",
        "in_review",
        2,
    )


def test_it_takes_equal_priorities_oldest_first(alice, make_claim):
    first = make_claim(text="First in")
    make_claim(text="Second in")
    assert transitions.take_next(alice).pk == first.pk


def test_it_returns_nothing_when_the_queue_is_empty(alice, bob, make_claim):
    make_claim()
    transitions.take_next(alice)
    assert transitions.take_next(bob) is None
    assert Claim.objects.filter(lease_owner=bob).count() == 0


def test_it_refuses_the_queue_to_someone_without_a_role(carol, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.NotAllowed):
        transitions.take_next(carol)
    assert fresh(claim).state == Claim.State.QUEUED and kinds(claim) == ["created"]


def test_it_releases_a_claim_back_to_the_queue(alice, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    transitions.release(alice, claim.pk, expected_version=taken.version, note="Need a Korean speaker")
    claim = fresh(claim)
    assert claim.state == Claim.State.QUEUED and claim.lease_owner is None and claim.lease_expires_at is None
    event = last_event(claim)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.note) == (
        "released",
        alice,
        "in_review",
        "queued",
        "Need a Korean speaker",
    )


def test_it_cannot_release_a_claim_nobody_took(alice, make_claim):
    claim = make_claim()
    with pytest.raises(transitions.IllegalMove):
        transitions.release(alice, claim.pk)
    assert fresh(claim).state == Claim.State.QUEUED and kinds(claim) == ["created"]


def test_it_stops_a_reviewer_releasing_someone_elses_claim(alice, bob, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    with pytest.raises(transitions.NotAllowed):
        transitions.release(bob, claim.pk)
    claim = fresh(claim)
    assert claim.lease_owner == alice and kinds(claim) == ["created", "taken"]


def test_it_lets_an_editor_release_a_reviewers_claim(alice, erin, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    transitions.release(erin, claim.pk, note="Alice is off sick")
    claim = fresh(claim)
    assert claim.state == Claim.State.QUEUED and claim.lease_owner is None
    assert last_event(claim).actor == erin


def test_it_refuses_a_release_based_on_a_stale_version_and_names_who_changed_it(alice, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    transitions.extend(alice, claim.pk, expected_version=taken.version)
    with pytest.raises(transitions.StaleVersion) as caught:
        transitions.release(alice, claim.pk, expected_version=taken.version)
    assert "alice extended it" in str(caught.value) and caught.value.current_version == 3
    assert fresh(claim).state == Claim.State.IN_REVIEW and kinds(claim) == ["created", "taken", "extended"]


def test_it_releases_a_reopened_claim_back_to_reopened_not_queued(alice, bob, erin, make_claim):
    from tests.verification.queue_helpers import published

    claim = make_claim()
    published(claim, alice, erin)
    transitions.reopen(erin, claim.pk, reason="New satellite images")
    transitions.take_next(bob)
    transitions.release(bob, claim.pk)
    claim = fresh(claim)
    assert claim.state == Claim.State.REOPENED and claim.verdict == "unproven"
