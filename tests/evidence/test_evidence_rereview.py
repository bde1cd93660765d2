"""New evidence on a published claim asks the review queue for a re-review."""

from tests.verification.queue_helpers import published
from verification.evidence.writes import add_evidence_note, add_evidence_url


def test_it_asks_for_a_re_review_when_evidence_arrives_on_a_published_claim(
    alice, erin, make_claim, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    published(claim, alice, erin)

    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence_url(alice, claim.id, "https://example.org/new-satellite-images")
        assert sent_tasks == []  # only after commit
    assert [(name, args) for name, args, _ in sent_tasks] == [
        ("verification.tasks.rereview_claim", [claim.id, evidence.id]),
        ("verification.tasks.capture_evidence", [evidence.id]),
    ]


def test_it_does_not_ask_for_a_re_review_of_a_claim_still_in_the_queue(
    alice, make_claim, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence_note(alice, claim.id, "A witness called back.")
    assert sent_tasks == []
