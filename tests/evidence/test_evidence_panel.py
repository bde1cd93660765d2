"""The evidence panel on the claim page: what it shows (hash, capture status,
custody log) and its forms, with and without HTMX."""

import hashlib
from html import unescape

import pytest
from django.urls import reverse

from tests.evidence.evidence_support import EXE, PNG, custody, upload
from verification.evidence.writes import add_evidence_file, add_evidence_note, add_evidence_url
from verification.models import Evidence
from verification.urlnorm import BAD_URL

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def no_broker(sent_tasks):
    """Captures are recorded, not published: no worker runs in these page tests."""


def test_it_shows_hash_capture_status_and_custody_on_the_claim_page(alice, make_claim, media_root, client):
    claim = make_claim()
    add_evidence_file(alice, claim.id, upload(PNG, "video-still.png"), title="Video still", stance="refutes")
    add_evidence_url(alice, claim.id, "https://www.defense.gov/briefing", title="Pentagon briefing")

    client.force_login(alice)
    html = client.get(reverse("desk-claim", args=[claim.id])).content.decode()

    assert "Video still" in html and hashlib.sha256(PNG).hexdigest() in html
    assert "Pentagon briefing" in html and "Capture: <strong>Pending</strong>" in html
    assert "Custody log (2)" in html and "Capture Requested" in html
    assert f'href="/desk/evidence/{Evidence.objects.get(title="Video still").id}/download"' in html


def test_it_adds_a_url_from_the_form_and_goes_back_to_the_claim(alice, make_claim, client):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(
        reverse("desk-evidence-add-url", args=[claim.id]),
        {
            "url": "https://www.defense.gov/briefing",
            "title": "Pentagon briefing",
            "kind": "official_statement",
            "stance": "supports",
            "credibility": "2",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("desk-claim", args=[claim.id])
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.stance, evidence.credibility, evidence.capture_status) == (
        "Pentagon briefing",
        "supports",
        2,
        "pending",
    )


def test_it_uploads_a_file_from_the_form(alice, make_claim, media_root, client):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(
        reverse("desk-evidence-add-file", args=[claim.id]),
        {"file": upload(PNG, "map.png"), "title": "", "kind": "", "stance": "context", "credibility": ""},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.kind, evidence.sha256) == ("map.png", "image", hashlib.sha256(PNG).hexdigest())


def test_it_shows_an_upload_refusal_in_the_panel_with_htmx(alice, make_claim, media_root, client):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(
        reverse("desk-evidence-add-file", args=[claim.id]), {"file": upload(EXE, "x.png"), "stance": "context"}, **HTMX
    )
    assert response.status_code == 415
    html = response.content.decode()
    assert 'id="evidence-panel"' in html and "application/vnd.microsoft.portable-executable" in html
    assert Evidence.objects.count() == 0


def test_it_changes_the_stance_with_htmx_and_answers_the_panel_with_the_custody_entry(alice, bob, make_claim, client):
    claim = make_claim()
    note = add_evidence_note(alice, claim.id, "Witness saw convoys at night.")
    client.force_login(bob)
    response = client.post(reverse("desk-evidence-stance", args=[note.id]), {"stance": "supports"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="supports" selected>' in html and "Stance Changed" in html
    assert custody(note) == ["added", "stance_changed"]


def test_it_changes_the_credibility_from_the_form(alice, make_claim, client):
    note = add_evidence_note(alice, make_claim().id, "Witness saw convoys at night.")
    client.force_login(alice)
    client.post(reverse("desk-evidence-credibility", args=[note.id]), {"credibility": "5"})
    note.refresh_from_db()
    assert note.credibility == 5 and custody(note) == ["added", "credibility_changed"]


def test_it_reports_a_bad_url_without_adding_anything(alice, make_claim, client):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(
        reverse("desk-evidence-add-url", args=[claim.id]),
        {"url": "ftp://x", "stance": "context", "kind": "article"},
        follow=True,
    )
    # The one message for a bad address (verification.urlnorm), as the API and the new-claim form say it.
    assert f"url: {BAD_URL}" in unescape(response.content.decode())
    assert Evidence.objects.count() == 0


def test_it_refuses_the_forms_to_people_without_a_desk_role(carol, make_claim, client):
    claim = make_claim()
    client.force_login(carol)
    response = client.post(
        reverse("desk-evidence-add-url", args=[claim.id]),
        {"url": "https://example.org/", "stance": "context", "kind": "article"},
    )
    assert response.status_code == 403 and Evidence.objects.count() == 0
