"""Claims in the admin: edits go through edit_claim, state never changes here,
evidence through the intake functions, and history is read-only for everyone."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.verification.admin_fixtures import claim_change_form
from verification.models import Assessment, Claim, ClaimEvent, CustodyEvent
from verification.workflow import transitions


@pytest.fixture
def admin_client(client, adam):
    client.login(username="adam", password=PASSWORD)
    return client


@pytest.mark.django_db
def test_it_edits_text_through_edit_claim_and_never_the_state(admin_client, adam, make_claim):
    claim = make_claim()
    url = f"/admin/verification/claim/{claim.pk}/change/"
    response = admin_client.post(
        url,
        claim_change_form(
            claim, text="North Korea sent 12,000 soldiers.", state="published", verdict="false", confidence="1"
        ),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.text == "North Korea sent 12,000 soldiers." and claim.version == 2
    assert claim.state == "queued" and claim.verdict == "" and claim.confidence is None
    edit = claim.events.get(kind="edited")
    assert edit.actor == adam and edit.changes["text"]["to"] == "North Korea sent 12,000 soldiers."


@pytest.mark.django_db
def test_it_refuses_an_edit_made_on_an_old_copy(admin_client, erin, make_claim):
    from verification.workflow.claims import edit_claim

    claim = make_claim()
    stale = claim_change_form(claim, text="My edit.")
    edit_claim(erin, claim.pk, claim.version, {"priority": 90})
    page = admin_client.post(f"/admin/verification/claim/{claim.pk}/change/", stale)
    assert page.status_code == 200 and b"Someone changed this claim while you had it open" in page.content
    claim.refresh_from_db()
    assert claim.text != "My edit." and claim.priority == 90


@pytest.mark.django_db
def test_it_creates_a_claim_with_its_created_event(admin_client, adam):
    data = claim_change_form(
        Claim(text="x", priority=50, reach=0, version=1, due_at=timezone.now()),
        text="Russia moved 11,000 troops.",
        expected_version="",
    )
    response = admin_client.post("/admin/verification/claim/add/", data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.text == "Russia moved 11,000 troops." and claim.created_by == adam
    assert list(claim.events.values_list("kind", "actor")) == [("created", adam.pk)]


@pytest.mark.django_db
def test_it_adds_evidence_with_its_custody(admin_client, adam, make_claim):
    claim = make_claim()
    data = claim_change_form(
        claim,
        **{
            "evidence-TOTAL_FORMS": 1,
            "evidence-0-kind": "testimony",
            "evidence-0-title": "Call",
            "evidence-0-stance": "supports",
            "evidence-0-credibility": "3",
            "evidence-0-notes": "A soldier's relative confirmed by phone.",
        },
    )
    assert admin_client.post(f"/admin/verification/claim/{claim.pk}/change/", data).status_code == 302
    evidence = claim.evidence.get()
    assert (evidence.added_by, evidence.credibility, evidence.capture_status) == (adam, 3, "not_requested")
    assert list(CustodyEvent.objects.values_list("action", "actor")) == [("added", adam.pk)]
    assert claim.events.filter(kind="evidence").exists()


@pytest.mark.django_db
def test_it_keeps_history_read_only_even_for_a_superuser(client, alice, erin, make_claim):
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.login(username="root", password=PASSWORD)
    claim = make_claim()
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="false", confidence=0.9, rationale="Contradicted.")
    assessment, event = Assessment.objects.get(), ClaimEvent.objects.filter(claim=claim).first()
    for url in (
        f"/admin/verification/assessment/{assessment.pk}/change/",
        f"/admin/verification/claimevent/{event.pk}/change/",
    ):
        assert client.post(url, {"verdict": "confirmed", "note": "rewritten"}).status_code == 403
        assert client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403
    assert client.get("/admin/verification/assessment/add/").status_code == 403
    assessment.refresh_from_db()
    assert assessment.verdict == "false" and ClaimEvent.objects.filter(claim=claim).count() == 3
    page = client.get(f"/admin/verification/claim/{claim.pk}/change/").content.decode()
    assert 'name="state"' not in page and 'name="assessments-0-verdict"' not in page
