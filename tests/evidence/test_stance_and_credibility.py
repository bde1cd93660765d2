"""Reviewers change an item's stance and credibility; each change is logged
in its custody with who, from and to."""

import pytest
from django.core.exceptions import ValidationError

from tests.evidence.evidence_support import custody
from verification.evidence.writes import add_evidence_note, set_credibility, set_stance
from verification.models import Claim, Evidence
from verification.workflow.transitions import NotAllowed


@pytest.fixture
def testimony(alice, make_claim):
    return add_evidence_note(alice, make_claim().id, "A soldier's letter home, shown to us by his mother.")


def test_it_changes_the_stance_and_logs_who_changed_it_from_what(bob, testimony):
    set_stance(bob, testimony.id, "refutes", note="The letter is dated before the deployment.")
    testimony.refresh_from_db()
    assert testimony.stance == "refutes"
    change = testimony.custody.get(action="stance_changed")
    assert (change.actor, change.detail) == (
        bob,
        {"from": "context", "to": "refutes", "note": "The letter is dated before the deployment."},
    )


def test_it_changes_the_credibility_and_logs_it(erin, testimony):
    set_credibility(erin, testimony.id, 3)
    set_credibility(erin, testimony.id, None)
    testimony.refresh_from_db()
    assert testimony.credibility is None
    assert [e.detail for e in testimony.custody.filter(action="credibility_changed")] == [
        {"from": None, "to": 3},
        {"from": 3, "to": None},
    ]


def test_it_logs_nothing_when_nothing_changes(alice, testimony):
    set_stance(alice, testimony.id, "context")
    assert custody(testimony) == ["added"]


def test_it_refuses_a_stance_or_grade_that_does_not_exist(alice, testimony):
    with pytest.raises(ValidationError):
        set_stance(alice, testimony.id, "maybe")
    with pytest.raises(ValidationError):
        set_credibility(alice, testimony.id, 0)
    assert custody(testimony) == ["added"]


def test_it_refuses_someone_without_a_desk_role(carol, testimony):
    with pytest.raises(NotAllowed):
        set_stance(carol, testimony.id, "supports")
    assert Evidence.objects.get(pk=testimony.pk).stance == "context"


def test_it_records_the_change_on_the_claim_and_moves_its_version_on(bob, testimony):
    claim = Claim.objects.get(pk=testimony.claim_id)
    set_stance(bob, testimony.id, "supports")
    claim.refresh_from_db()
    event = claim.events.order_by("-id").first()
    assert (event.kind, event.actor, event.version) == ("evidence", bob, claim.version)
    assert event.changes == {
        "evidence_id": testimony.pk,
        "action": "edited",
        "stance": {"from": "context", "to": "supports"},
    }
