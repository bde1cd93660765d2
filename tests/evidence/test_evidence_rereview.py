"""New evidence on a published claim asks the review queue for a re-review."""

from tests.verification.queue_helpers import published
from verification import evidence as intake
from verification.evidence import add_evidence_note, add_evidence_url
from verification.tasks import rereview_claim


def test_it_asks_for_a_re_review_when_evidence_arrives_on_a_published_claim(
        alice, erin, make_claim, monkeypatch, django_capture_on_commit_callbacks):
    claim = make_claim()
    published(claim, alice, erin)
    sent = []
    monkeypatch.setattr(rereview_claim, "delay", lambda *args: sent.append(args))
    monkeypatch.setattr(intake, "_enqueue_capture", lambda evidence_id: None)

    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence_url(alice, claim.id, "https://example.org/new-satellite-images")
        assert sent == []  # only after commit
    assert sent == [(claim.id, evidence.id)]


def test_it_does_not_ask_for_a_re_review_of_a_claim_still_in_the_queue(
        alice, make_claim, monkeypatch, django_capture_on_commit_callbacks):
    claim = make_claim()
    sent = []
    monkeypatch.setattr(rereview_claim, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence_note(alice, claim.id, "A witness called back.")
    assert sent == []
