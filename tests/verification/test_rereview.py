"""Re-review: new evidence on a published claim reopens it, once, and tells the last reviewer."""

import pytest

from tests.verification.queue_helpers import add_evidence, fresh, kinds, last_event, published
from verification.models import Claim, Notification
from verification.tasks import rereview_claim
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def test_it_reopens_a_published_claim_for_new_evidence_and_keeps_the_verdict(alice, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin, verdict="unproven", confidence=0.4)
    evidence = add_evidence(claim, title="Satellite images of troop trains")
    assert rereview_claim(claim.pk, evidence.pk) is True
    claim = fresh(claim)
    assert claim.state == Claim.State.REOPENED and claim.verdict == "unproven" and claim.confidence == 0.4
    event = last_event(claim)
    assert (
        event.kind == "reopened"
        and event.actor is None
        and event.note == "New evidence: Satellite images of troop trains"
    )
    note = Notification.objects.get(user=alice, kind="reopened")
    assert note.claim == claim and "Satellite images" in note.message


def test_it_reopens_only_once_when_the_task_runs_again(alice, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    evidence = add_evidence(claim)
    rereview_claim(claim.pk, evidence.pk)
    assert rereview_claim(claim.pk, evidence.pk) is False
    assert kinds(claim).count("reopened") == 1 and Notification.objects.filter(kind="reopened").count() == 1


def test_it_ignores_evidence_the_published_verdict_already_weighed(alice, erin, make_claim):
    claim = make_claim()
    evidence = add_evidence(claim)
    published(claim, alice, erin)
    assert rereview_claim(claim.pk, evidence.pk) is False
    assert fresh(claim).state == Claim.State.PUBLISHED


def test_it_leaves_a_claim_under_review_to_its_reviewer(alice, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    evidence = add_evidence(claim)
    assert rereview_claim(claim.pk, evidence.pk) is False
    assert fresh(claim).state == Claim.State.IN_REVIEW and fresh(claim).lease_owner == alice


def test_it_does_nothing_for_evidence_that_is_gone(alice, erin, make_claim):
    claim = make_claim()
    published(claim, alice, erin)
    assert rereview_claim(claim.pk, 999_999) is False
    assert fresh(claim).state == Claim.State.PUBLISHED


def test_it_asks_for_the_re_review_only_after_the_evidence_is_committed(
    alice, erin, make_claim, django_capture_on_commit_callbacks
):
    claim = make_claim()
    published(claim, alice, erin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transitions.request_rereview(claim.pk, add_evidence(claim).pk)
    assert len(callbacks) == 1 and fresh(claim).state == Claim.State.PUBLISHED
