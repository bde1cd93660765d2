"""In-app notifications: the unread count and marking them read."""

import pytest

from verification.models import Notification
from verification.workflow import transitions
from verification.workflow.notifications import mark_read, unread_count

pytestmark = pytest.mark.django_db


def test_it_counts_unread_notifications_per_person(alice, bob, erin, make_claim):
    first = make_claim(text="First")
    second = make_claim(text="Second")
    transitions.reassign(erin, first.pk, alice)
    transitions.reassign(erin, second.pk, bob)
    assessed_claim = transitions.assess(alice, first.pk, verdict="false", confidence=0.9, rationale="Wrong.")
    transitions.return_for_changes(erin, assessed_claim.pk, "Add the source.")
    assert unread_count(alice) == 2 and unread_count(bob) == 1 and unread_count(erin) == 0


def test_it_marks_chosen_or_all_notifications_read(alice, bob, erin, make_claim):
    for text in ("One", "Two", "Three"):
        claim = make_claim(text=text)
        transitions.reassign(erin, claim.pk, alice)
        transitions.release(erin, claim.pk)
    bobs = make_claim(text="Bob's")
    transitions.reassign(erin, bobs.pk, bob)
    first = Notification.objects.filter(user=alice).order_by("id").first()
    bob_note = Notification.objects.get(user=bob)
    assert mark_read(alice, [first.pk, bob_note.pk]) == 1  # bob's stays unread
    assert unread_count(alice) == 2 and unread_count(bob) == 1
    assert mark_read(alice) == 2 and unread_count(alice) == 0
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 0
    assert mark_read(alice) == 0
