"""Adding a URL, a note: custody, the claim's history, the webhook, and a
capture enqueued after commit only when a user asked for one."""

import pytest
from django.core.exceptions import ValidationError

from tests.evidence.evidence_support import custody
from verification.evidence.writes import add_evidence_note, add_evidence_url, recapture
from verification.models import ClaimEvent, Evidence, WebhookEndpoint, WebhookEvent
from verification.urlnorm import BAD_URL, LONG_URL, URL_CHARACTERS
from verification.workflow.transitions import NotAllowed

BRIEFING = "https://www.defense.gov/News/Transcripts/Transcript/Article/3950000/pentagon-press-briefing/"


def captures(sent_tasks):
    """Ids of the evidence whose capture was sent to the broker."""
    return [args[0] for name, args, _ in sent_tasks if name == "verification.tasks.capture_evidence"]


def test_it_adds_a_url_pending_capture_and_enqueues_the_capture_after_commit(
    alice, make_claim, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence_url(
            alice,
            claim.id,
            BRIEFING,
            kind="official_statement",
            title="Pentagon briefing",
            stance="supports",
            credibility=2,
        )
        assert captures(sent_tasks) == []  # not before commit: the worker must find the row

    assert captures(sent_tasks) == [evidence.id]
    evidence.refresh_from_db()
    assert (evidence.capture_status, evidence.stance, evidence.credibility) == ("pending", "supports", 2)
    assert evidence.normalised_url == "defense.gov/News/Transcripts/Transcript/Article/3950000/pentagon-press-briefing"
    assert custody(evidence) == ["added", "capture_requested"]
    assert evidence.custody.get(action="added").actor == alice
    event = claim.events.get(kind=ClaimEvent.Kind.EVIDENCE)
    assert (event.actor, event.changes["evidence_id"], event.changes["action"]) == (alice, evidence.id, "added")
    claim.refresh_from_db()
    assert claim.version == event.version


def test_it_never_enqueues_a_capture_for_seeded_evidence(
    alice, make_claim, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence_url(alice, claim.id, BRIEFING, capture=False)
    assert captures(sent_tasks) == []
    assert evidence.capture_status == Evidence.Capture.NOT_REQUESTED
    assert custody(evidence) == ["added"]


def test_it_enqueues_a_capture_when_a_user_asks_for_one_on_seeded_evidence(
    alice, make_claim, sent_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim()
    evidence = add_evidence_url(alice, claim.id, BRIEFING, capture=False)
    with django_capture_on_commit_callbacks(execute=True):
        recapture(alice, evidence.id)
        recapture(alice, evidence.id)  # already pending: not twice
    assert captures(sent_tasks) == [evidence.id]
    evidence.refresh_from_db()
    assert evidence.capture_status == "pending"
    assert custody(evidence) == ["added", "capture_requested"]


def test_it_announces_new_evidence_to_webhook_subscribers(alice, make_claim):
    WebhookEndpoint.objects.create(
        url="https://hooks.example.org/claimdesk", secret="whsec_x", event_types=["evidence.added"]
    )
    claim = make_claim()
    evidence = add_evidence_url(alice, claim.id, BRIEFING, title="Pentagon briefing")
    event = WebhookEvent.objects.get(type="evidence.added")
    data = event.payload["data"]
    assert (data["id"], data["claim_id"], data["url"], data["capture_status"]) == (
        evidence.id,
        claim.id,
        BRIEFING,
        "pending",
    )


def test_it_adds_a_note_without_url_or_file(alice, make_claim):
    claim = make_claim()
    evidence = add_evidence_note(
        alice, claim.id, "Called the ministry: no comment.\nSpokesperson declined.", stance="context", credibility=6
    )
    assert (evidence.title, evidence.kind, evidence.url, evidence.stored_file) == (
        "Called the ministry: no comment.",
        "testimony",
        "",
        None,
    )
    assert evidence.capture_status == "not_requested"
    assert custody(evidence) == ["added"]
    with pytest.raises(ValidationError, match="needs text"):
        add_evidence_note(alice, claim.id, "   ")


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.org/file", BAD_URL),
        ("javascript:alert(1)", BAD_URL),
        ("not a url", URL_CHARACTERS),
        ("https://example.org/" + "a" * 2000, LONG_URL),
    ],
)
def test_it_refuses_a_url_it_cannot_capture(alice, make_claim, url, message):
    # One message per kind of bad address, the same words as the desk's forms and the API (verification.urlnorm).
    claim = make_claim()
    with pytest.raises(ValidationError) as refused:
        add_evidence_url(alice, claim.id, url)
    assert refused.value.message_dict["url"] == [message]
    assert Evidence.objects.count() == 0


def test_it_refuses_someone_without_a_desk_role(carol, make_claim):
    claim = make_claim()
    with pytest.raises(NotAllowed):
        add_evidence_url(carol, claim.id, BRIEFING)
    assert Evidence.objects.count() == 0
