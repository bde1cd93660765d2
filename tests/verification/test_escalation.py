"""SLA: a claim past its due time is escalated once per breach (task body called directly)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.verification.queue_helpers import fresh, kinds, last_event, published
from verification.models import Claim, Notification
from verification.tasks import escalate_overdue
from verification.workflow import deadlines, transitions
from verification.workflow.claims import edit_claim

pytestmark = pytest.mark.django_db


def overdue(make_claim, hours=2, **kwargs):
    return make_claim(due_at=timezone.now() - timedelta(hours=hours), **kwargs)


def test_it_escalates_an_overdue_claim_and_tells_every_editor(
    erin, frank, alice, make_claim, mailoutbox, django_capture_on_commit_callbacks
):
    claim = overdue(make_claim, priority=50)
    on_time = make_claim(text="Due tomorrow", due_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue() == 1
    claim = fresh(claim)
    assert claim.priority == 90 and claim.escalated_at is not None
    event = last_event(claim)
    assert event.kind == "escalated" and event.actor is None and event.changes["priority"] == {"from": 50, "to": 90}
    notes = Notification.objects.filter(kind="escalated", claim=claim)
    assert sorted(n.user.username for n in notes) == ["erin", "frank"]
    assert "past its due time" in notes[0].message
    assert sorted(m.to[0] for m in mailoutbox) == ["erin@example.org", "frank@example.org"]
    assert f"Overdue: claim {claim.pk}" in mailoutbox[0].subject and claim.text in mailoutbox[0].body
    assert not Notification.objects.filter(user=alice).exists()
    assert kinds(on_time) == ["created"] and fresh(on_time).escalated_at is None


def test_it_escalates_once_per_breach_however_often_it_runs(
    erin, make_claim, mailoutbox, django_capture_on_commit_callbacks
):
    claim = overdue(make_claim)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue()
        escalate_overdue()
        assert deadlines.escalate(claim.pk) is False
    assert kinds(claim).count("escalated") == 1
    assert Notification.objects.filter(kind="escalated").count() == 1 and len(mailoutbox) == 1


def test_it_escalates_again_when_a_moved_deadline_is_missed_too(erin, make_claim, django_capture_on_commit_callbacks):
    claim = overdue(make_claim)
    escalate_overdue()
    later = timezone.now() + timedelta(hours=1)
    claim = edit_claim(erin, claim.pk, fresh(claim).version, {"due_at": later})
    assert escalate_overdue() == 0
    assert deadlines.escalate_overdue(now=later + timedelta(minutes=5)) == 1
    assert kinds(claim).count("escalated") == 2
    assert Notification.objects.filter(kind="escalated", user=erin).count() == 2


def test_it_leaves_published_claims_alone(alice, erin, make_claim):
    claim = overdue(make_claim)
    published(claim, alice, erin)
    assert escalate_overdue() == 0
    assert "escalated" not in kinds(claim)


def test_it_escalates_a_claim_under_review_and_says_who_holds_it(alice, erin, make_claim):
    claim = overdue(make_claim, priority=95)
    taken = transitions.take_next(alice)
    escalate_overdue()
    claim = fresh(claim)
    assert claim.priority == 100 and claim.lease_owner == alice and claim.state == Claim.State.IN_REVIEW
    assert "held by alice" in Notification.objects.get(user=erin).message
    # The reviewer's copy is now stale, and the refusal says why.
    with pytest.raises(transitions.StaleVersion, match="the system escalated it"):
        transitions.assess(
            alice, claim.pk, verdict="false", confidence=0.8, rationale="x", expected_version=taken.version
        )


def test_it_raises_priority_into_the_urgent_band_and_never_past_100():
    assert deadlines.escalated_priority(10) == 90
    assert deadlines.escalated_priority(85) == 95
    assert deadlines.escalated_priority(97) == 100
