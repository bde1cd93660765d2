"""Corrections of a published claim's text: one editor proposes, another
approves (four eyes); fact-checkers do neither (verification.workflow.corrections)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.verification.queue_helpers import fresh, kinds, last_event, published
from verification.models import Claim, Correction, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.workflow import corrections, transitions
from verification.workflow.claimreview import build_claimreview
from verification.workflow.claims import edit_claim

pytestmark = pytest.mark.django_db

TYPO = "North Korea has sent 11,000 soldiers to Rusia."
FIXED = "North Korea has sent 11,000 soldiers to Russia."


@pytest.fixture
def claim(make_claim, alice, erin):
    """Published: alice assessed it, erin signed it off."""
    return published(make_claim(TYPO), alice, erin)


def _propose(claim, editor, text=FIXED, reason="Spelling of Russia."):
    return corrections.propose(editor, claim.pk, text=text, reason=reason, expected_version=fresh(claim).version)


def test_it_records_a_proposal_without_changing_what_readers_see(claim, erin):
    before = fresh(claim)
    correction = _propose(claim, erin)
    after = fresh(claim)
    assert (correction.outcome, correction.proposed_by, correction.old_text, correction.new_text) == (
        "pending",
        erin,
        TYPO,
        FIXED,
    )
    assert after.text == after.public_text == TYPO and after.state == Claim.State.PUBLISHED
    assert after.corrected_at is None and after.version == before.version + 1
    event = last_event(after)
    assert (event.kind, event.actor, event.note) == ("correction_proposed", erin, "Spelling of Russia.")
    assert event.changes == {"correction_id": correction.pk, "text": {"from": TYPO, "to": FIXED}}


def test_it_publishes_the_corrected_text_when_a_second_editor_approves(claim, erin, frank):
    endpoint = WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==", event_types=["claim.corrected"]
    )
    correction = _propose(claim, erin)
    corrections.approve(frank, claim.pk, correction.pk, expected_version=fresh(claim).version, note="Typo only.")

    claim = fresh(claim)
    correction.refresh_from_db()
    assert claim.text == claim.published_text == claim.public_text == FIXED
    assert claim.state == Claim.State.PUBLISHED and claim.verdict == "unproven"
    assert (correction.outcome, correction.decided_by, correction.decision_note) == ("approved", frank, "Typo only.")
    assert claim.corrected_at == correction.decided_at
    event = last_event(claim)
    assert (event.kind, event.actor, event.note, event.from_state, event.to_state) == (
        "corrected",
        frank,
        "Spelling of Russia.",
        "published",
        "published",
    )
    assert event.changes["text"] == {"from": TYPO, "to": FIXED}

    review = build_claimreview(claim)
    assert review["claimReviewed"] == FIXED and review["dateModified"] > review["datePublished"]

    webhook = WebhookEvent.objects.get(type="claim.corrected")
    data = webhook.payload["data"]
    assert (data["id"], data["state"], data["verdict"]) == (claim.pk, "published", "unproven")
    assert (data["reason"], data["old_text"], data["new_text"]) == ("Spelling of Russia.", TYPO, FIXED)
    assert data["correction_id"] == correction.pk and data["corrected_at"].endswith("Z")
    assert list(WebhookDelivery.objects.filter(event=webhook).values_list("endpoint", flat=True)) == [endpoint.pk]


def test_it_approves_once_when_the_approval_is_sent_twice(claim, erin, frank):
    correction = _propose(claim, erin)
    version = fresh(claim).version
    corrections.approve(frank, claim.pk, correction.pk, expected_version=version)
    corrections.approve(frank, claim.pk, correction.pk, expected_version=version)
    assert kinds(claim).count("corrected") == 1 and fresh(claim).version == version + 1


def test_it_refuses_a_correction_of_a_claim_that_is_not_published(make_claim, erin):
    claim = make_claim(TYPO)
    with pytest.raises(transitions.IllegalMove, match="Only a published claim takes corrections"):
        _propose(claim, erin)
    assert not Correction.objects.exists() and kinds(claim) == ["created"]


def test_it_refuses_a_correction_of_a_reopened_claim(claim, erin):
    transitions.reopen(erin, claim.pk, "New footage.")
    with pytest.raises(transitions.IllegalMove, match="Edit its text while it is under review"):
        _propose(claim, erin)
    assert not Correction.objects.exists()


def test_it_refuses_to_approve_once_the_claim_was_reopened(claim, erin, frank):
    correction = _propose(claim, erin)
    transitions.reopen(frank, claim.pk, "New footage.")
    with pytest.raises(transitions.IllegalMove, match="Reject this correction"):
        corrections.approve(frank, claim.pk, correction.pk, expected_version=fresh(claim).version)
    correction.refresh_from_db()
    assert correction.outcome == "pending" and fresh(claim).public_text == TYPO


def test_it_stops_the_proposer_approving_their_own_correction(claim, erin):
    correction = _propose(claim, erin)
    version = fresh(claim).version
    with pytest.raises(transitions.NotAllowed, match="another editor must approve it"):
        corrections.approve(erin, claim.pk, correction.pk, expected_version=version)
    correction.refresh_from_db()
    assert correction.outcome == "pending" and fresh(claim).text == TYPO and fresh(claim).version == version


def test_it_stops_a_fact_checker_proposing_or_approving(claim, alice, erin):
    with pytest.raises(transitions.NotAllowed):
        _propose(claim, alice)
    correction = _propose(claim, erin)
    with pytest.raises(transitions.NotAllowed):
        corrections.approve(alice, claim.pk, correction.pk, expected_version=fresh(claim).version)
    with pytest.raises(transitions.NotAllowed):
        corrections.reject(alice, claim.pk, correction.pk, reason="No.", expected_version=fresh(claim).version)
    correction.refresh_from_db()
    assert correction.outcome == "pending" and fresh(claim).text == TYPO


def test_it_refuses_a_change_of_numbers_the_same_text_or_no_reason(claim, erin):
    with pytest.raises(ValidationError) as numbers:
        _propose(claim, erin, text="North Korea has sent 12,000 soldiers to Russia.")
    assert "Reopen the claim instead" in str(numbers.value.message_dict["text"])
    with pytest.raises(ValidationError) as same:
        _propose(claim, erin, text=TYPO)
    assert "published text already" in str(same.value.message_dict["text"])
    with pytest.raises(ValidationError) as no_reason:
        _propose(claim, erin, reason="  ")
    assert "reason" in no_reason.value.message_dict
    assert not Correction.objects.exists() and kinds(claim)[-1] == "published"


def test_it_accepts_a_number_written_differently(claim, erin, frank):
    correction = _propose(claim, erin, text="North Korea has sent 11 000 soldiers to Rusia.", reason="Separator.")
    corrections.approve(frank, claim.pk, correction.pk, expected_version=fresh(claim).version)
    assert fresh(claim).public_text == "North Korea has sent 11 000 soldiers to Rusia."


def test_it_keeps_one_pending_correction_per_claim(claim, erin, frank):
    first = _propose(claim, erin)
    assert _propose(claim, erin) == first  # the same proposal sent again
    with pytest.raises(corrections.CorrectionPending, match=f"Correction {first.pk} by erin"):
        _propose(claim, frank, text="North Korea has sent 11,000 soldiers to Russia!")
    assert Correction.objects.count() == 1


def test_it_rejects_with_a_reason_and_leaves_the_text(claim, erin, frank):
    correction = _propose(claim, erin)
    with pytest.raises(ValidationError):
        corrections.reject(frank, claim.pk, correction.pk, reason="", expected_version=fresh(claim).version)
    corrections.reject(frank, claim.pk, correction.pk, reason="Changes meaning.", expected_version=fresh(claim).version)
    correction.refresh_from_db()
    assert (correction.outcome, correction.decided_by, correction.decision_note) == (
        "rejected",
        frank,
        "Changes meaning.",
    )
    claim = fresh(claim)
    assert claim.text == claim.public_text == TYPO and claim.corrected_at is None
    assert (last_event(claim).kind, last_event(claim).note) == ("correction_rejected", "Changes meaning.")
    with pytest.raises(corrections.CorrectionDecided):
        corrections.approve(frank, claim.pk, correction.pk, expected_version=claim.version)
    assert not WebhookEvent.objects.filter(type="claim.corrected").exists()


def test_it_lets_only_the_proposer_withdraw(claim, erin, frank):
    correction = _propose(claim, erin)
    with pytest.raises(transitions.NotAllowed, match="reject it instead"):
        corrections.withdraw(frank, claim.pk, correction.pk, reason="Mine now.", expected_version=fresh(claim).version)
    with pytest.raises(transitions.NotAllowed, match="withdraw it instead"):
        corrections.reject(erin, claim.pk, correction.pk, reason="Oops.", expected_version=fresh(claim).version)
    corrections.withdraw(erin, claim.pk, correction.pk, reason="Wrong claim.", expected_version=fresh(claim).version)
    correction.refresh_from_db()
    assert (correction.outcome, correction.decided_by) == ("withdrawn", erin)
    assert last_event(claim).kind == "correction_withdrawn" and fresh(claim).text == TYPO


def test_it_refuses_a_decision_on_a_stale_version(claim, erin, frank):
    correction = _propose(claim, erin)
    seen = fresh(claim).version
    edit_claim(erin, claim.pk, seen, {"priority": 90})  # priority stays editable while published
    with pytest.raises(transitions.StaleVersion, match="erin edited it"):
        corrections.approve(frank, claim.pk, correction.pk, expected_version=seen)
    correction.refresh_from_db()
    assert correction.outcome == "pending" and fresh(claim).public_text == TYPO


def test_it_refuses_a_correction_proposed_for_an_older_published_text(claim, alice, erin, frank):
    correction = _propose(claim, erin)
    # Meanwhile the claim is reopened, reworded in review and signed off again.
    transitions.reopen(frank, claim.pk, "New footage.")
    transitions.reassign(frank, claim.pk, alice)
    edit_claim(frank, claim.pk, fresh(claim).version, {"text": "North Korea has sent troops to Russia."})
    transitions.assess(alice, claim.pk, verdict="likely_true", confidence=0.7, rationale="Footage.")
    transitions.sign_off(frank, claim.pk)
    with pytest.raises(corrections.PublishedTextChanged, match="Reject it"):
        corrections.approve(frank, claim.pk, correction.pk, expected_version=fresh(claim).version)
    correction.refresh_from_db()
    assert correction.outcome == "pending"
    assert fresh(claim).public_text == "North Korea has sent troops to Russia."


def test_it_guards_four_eyes_in_the_database_too(claim, erin):
    correction = _propose(claim, erin)
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.filter(pk=correction.pk).update(
            outcome="approved", decided_by=erin, decided_at=correction.proposed_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.create(claim=claim, proposed_by=erin, old_text=TYPO, new_text=FIXED, reason="Twice.")
