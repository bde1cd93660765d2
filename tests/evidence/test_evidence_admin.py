"""Editing an evidence item in the admin goes through the evidence writes:
each changed field gets a custody row (who, from, to), the claim gets one
event naming every change, and the claim's version moves on, so a reviewer
who read the old wording is told before signing off."""

import pytest

from tests.conftest import PASSWORD
from tests.evidence.evidence_support import custody
from tests.verification.admin_fixtures import change_form
from verification.evidence.writes import add_evidence_note, add_evidence_url, edit_evidence
from verification.models import Claim, Evidence
from verification.workflow.errors import NotAllowed

NOTE = "Changed in the admin."


@pytest.fixture
def admin_client(client, adam):
    client.login(username="adam", password=PASSWORD)
    return client


@pytest.fixture
def item(alice, make_claim):
    return add_evidence_url(
        alice,
        make_claim().id,
        "https://mil.gov.ua/news/briefing",
        title="Briefing",
        notes="Said at the morning briefing.",
        capture=False,
    )


def page(evidence) -> str:
    return f"/admin/verification/evidence/{evidence.pk}/change/"


def edits(evidence) -> list[tuple]:
    """The custody rows written after the item was added: (action, actor, detail)."""
    rows = evidence.custody.exclude(action="added").order_by("id")
    return [(row.action, row.actor.get_username() if row.actor else None, row.detail) for row in rows]


def version(evidence) -> int:
    return Claim.objects.get(pk=evidence.claim_id).version


@pytest.mark.django_db
def test_it_edits_title_notes_and_provider_with_custody_and_a_claim_event(admin_client, item, make_source):
    budanov, before = make_source(), version(item)
    response = admin_client.post(
        page(item),
        change_form(
            admin_client,
            page(item),
            title="Budanov's briefing, 3 November",
            notes="Said at the morning briefing; video on the ministry's channel.",
            provided_by=budanov.pk,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert (item.title, item.notes, item.provided_by) == (
        "Budanov's briefing, 3 November",
        "Said at the morning briefing; video on the ministry's channel.",
        budanov,
    )
    assert edits(item) == [
        ("title_changed", "adam", {"from": "Briefing", "to": "Budanov's briefing, 3 November", "note": NOTE}),
        (
            "notes_changed",
            "adam",
            {
                "from": "Said at the morning briefing.",
                "to": "Said at the morning briefing; video on the ministry's channel.",
                "note": NOTE,
            },
        ),
        ("provided_by_changed", "adam", {"from": None, "to": budanov.pk, "note": NOTE}),
    ]
    claim = Claim.objects.get(pk=item.claim_id)
    event = claim.events.order_by("-id").first()
    assert (event.kind, event.actor.get_username(), event.version) == ("evidence", "adam", before + 1)
    assert event.changes == {
        "evidence_id": item.pk,
        "action": "edited",
        "title": {"from": "Briefing", "to": "Budanov's briefing, 3 November"},
        "notes": {
            "from": "Said at the morning briefing.",
            "to": "Said at the morning briefing; video on the ministry's channel.",
        },
        "provided_by": {"from": None, "to": budanov.pk},
    }
    assert claim.version == before + 1


@pytest.mark.django_db
def test_it_records_a_stance_and_grade_change_as_one_claim_event(admin_client, item):
    before = version(item)
    form = change_form(admin_client, page(item), stance="refutes", credibility="2")
    assert admin_client.post(page(item), form).status_code == 302
    assert edits(item) == [
        ("stance_changed", "adam", {"from": "context", "to": "refutes", "note": NOTE}),
        ("credibility_changed", "adam", {"from": None, "to": 2, "note": NOTE}),
    ]
    event = Claim.objects.get(pk=item.claim_id).events.order_by("-id").first()
    assert event.changes == {
        "evidence_id": item.pk,
        "action": "edited",
        "stance": {"from": "context", "to": "refutes"},
        "credibility": {"from": None, "to": 2},
    }
    assert version(item) == event.version == before + 1


@pytest.mark.django_db
def test_it_edits_an_item_from_its_claims_page(admin_client, item):
    url, before = f"/admin/verification/claim/{item.claim_id}/change/", version(item)
    form = change_form(admin_client, url, **{"evidence-0-title": "Briefing (transcript)"})
    assert form["evidence-0-id"] == str(item.pk)
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Evidence.objects.get(pk=item.pk).title == "Briefing (transcript)"
    assert edits(item) == [("title_changed", "adam", {"from": "Briefing", "to": "Briefing (transcript)", "note": NOTE})]
    claim = Claim.objects.get(pk=item.claim_id)
    assert list(claim.events.filter(version__gt=before).values_list("kind", "actor__username", "changes")) == [
        (
            "evidence",
            "adam",
            {
                "evidence_id": item.pk,
                "action": "edited",
                "title": {"from": "Briefing", "to": "Briefing (transcript)"},
            },
        )
    ]
    assert claim.version == before + 1


@pytest.mark.django_db
def test_it_writes_nothing_when_the_form_is_saved_unchanged(admin_client, item):
    before, events = version(item), Claim.objects.get(pk=item.claim_id).events.count()
    assert admin_client.post(page(item), change_form(admin_client, page(item))).status_code == 302
    assert custody(item) == ["added"]
    assert (version(item), Claim.objects.get(pk=item.claim_id).events.count()) == (before, events)


@pytest.mark.django_db
def test_it_shows_why_the_notes_of_a_note_only_item_cannot_be_emptied(admin_client, alice, make_claim):
    testimony = add_evidence_note(alice, make_claim().id, "A soldier's letter home, shown to us by his mother.")
    before = version(testimony)
    response = admin_client.post(page(testimony), change_form(admin_client, page(testimony), notes=""))
    assert response.status_code == 200
    assert "its notes are the evidence" in response.content.decode()
    testimony.refresh_from_db()
    assert testimony.notes == "A soldier's letter home, shown to us by his mother."
    assert custody(testimony) == ["added"] and version(testimony) == before


@pytest.mark.django_db
def test_it_sends_a_fact_checker_to_the_login_page_and_changes_nothing(client, adam, alice, item):
    client.login(username="adam", password=PASSWORD)
    form = change_form(client, page(item), title="Rewritten")  # what an admin's page would post
    client.logout()
    client.login(username="alice", password=PASSWORD)
    before = version(item)
    response = client.post(page(item), form)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    item.refresh_from_db()
    assert item.title == "Briefing" and custody(item) == ["added"] and version(item) == before


@pytest.mark.django_db
def test_it_refuses_an_edit_by_someone_without_the_right_to_change_evidence(carol, item):
    before = version(item)
    with pytest.raises(NotAllowed, match="change evidence"):
        edit_evidence(carol, item.pk, {"title": "Rewritten", "notes": ""})
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Briefing", "Said at the morning briefing.")
    assert custody(item) == ["added"] and version(item) == before
