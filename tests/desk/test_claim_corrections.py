"""The desk side of "published means frozen" and corrections: the edit form
refuses a published claim's text with the way forward, an editor proposes a
typo fix, another approves it, and readers see it listed with its date."""

import pytest

from verification.models import Claim, Correction
from verification.workflow import corrections, transitions

pytestmark = pytest.mark.django_db

FIXED = "North Korea has sent 11,000 soldiers to Russia’s Kursk region."


def _fresh(claim):
    return Claim.objects.get(pk=claim.pk)


def _propose(claim, editor):
    return corrections.propose(
        editor, claim.pk, text=FIXED, reason="Typographic apostrophe.", expected_version=_fresh(claim).version
    )


def test_it_refuses_the_desk_edit_of_a_published_claims_text_and_keeps_the_input(login, erin, published):
    before = _fresh(published)
    page = login(erin).post(
        f"/desk/claims/{published.pk}/edit",
        {"version": before.version, "text": "North Korea has sent 12,000 soldiers.", "priority": 90},
    )
    html = page.content.decode()
    assert page.status_code == 409
    assert "is published, so its text cannot change" in html and "Reopen the claim first" in html
    assert "North Korea has sent 12,000 soldiers.</textarea>" in html  # what was typed is still there
    after = _fresh(published)
    assert (after.text, after.priority, after.version) == (before.text, before.priority, before.version)
    assert not after.events.filter(kind="edited").exists()


def test_it_says_the_text_is_frozen_and_offers_a_correction_to_an_editor(login, erin, published):
    html = login(erin).get(f"/desk/claims/{published.pk}/").content.decode()
    assert "the text is frozen under the signed-off verdict" in html
    assert "Correct a typo in the published text" in html and "Propose correction" in html


def test_it_offers_no_correction_to_a_fact_checker_or_before_publication(login, alice, erin, assessed):
    assert "Correct a typo" not in login(erin).get(f"/desk/claims/{assessed.pk}/").content.decode()
    transitions.sign_off(erin, assessed.pk)
    assert "Correct a typo" not in login(alice).get(f"/desk/claims/{assessed.pk}/").content.decode()
    response = login(alice).post(
        f"/desk/claims/{assessed.pk}/corrections",
        {"version": _fresh(assessed).version, "text": FIXED, "reason": "Mine."},
    )
    assert response.status_code == 403 and "do not have the right to propose corrections" in response.content.decode()
    assert not Correction.objects.exists()


def test_it_proposes_a_correction_from_the_claim_page(login, erin, published):
    response = login(erin).post(
        f"/desk/claims/{published.pk}/corrections",
        {"version": _fresh(published).version, "text": FIXED, "reason": "Typographic apostrophe."},
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.proposed_by, correction.new_text, correction.outcome) == (erin, FIXED, "pending")
    html = login(erin).get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Correction awaiting approval" in html and "You proposed this correction" in html
    assert "Withdraw correction" in html and "Approve correction" not in html
    assert _fresh(published).public_text != FIXED


def test_it_keeps_the_input_when_a_correction_changes_a_number(login, erin, published):
    response = login(erin).post(
        f"/desk/claims/{published.pk}/corrections",
        {"version": _fresh(published).version, "text": "North Korea has sent 12,000 soldiers.", "reason": "Typo."},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Reopen the claim instead" in html
    assert "North Korea has sent 12,000 soldiers.</textarea>" in html
    assert not Correction.objects.exists()


def test_it_lets_another_editor_approve_and_readers_see_the_correction(client, login, erin, frank, published):
    correction = _propose(published, erin)
    html = login(frank).get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Approve correction" in html and "Reject correction" in html and FIXED in html

    response = login(frank).post(
        f"/desk/claims/{published.pk}/corrections/{correction.pk}/approve",
        {"version": _fresh(published).version, "note": ""},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.outcome == "approved" and correction.decided_by == frank
    claim = _fresh(published)
    assert claim.text == claim.published_text == FIXED

    client.logout()
    public = client.get(f"/claims/{published.pk}/").content.decode()
    assert f"“{FIXED}”" in public.replace("&#x27;", "'")
    day = correction.decided_at.strftime("%-d %B %Y")
    assert f"Corrected on {day}" in public and "Typographic apostrophe." in public
    assert "The claim was earlier worded" in public and '"dateModified"' in public


def test_it_refuses_the_proposer_approving_on_the_desk(login, erin, published):
    correction = _propose(published, erin)
    response = login(erin).post(
        f"/desk/claims/{published.pk}/corrections/{correction.pk}/approve",
        {"version": _fresh(published).version},
    )
    assert response.status_code == 403 and "another editor must approve it" in response.content.decode()
    correction.refresh_from_db()
    assert correction.outcome == "pending" and _fresh(published).public_text != FIXED


def test_it_rejects_a_correction_with_a_reason(login, erin, frank, published):
    correction = _propose(published, erin)
    missing = login(frank).post(
        f"/desk/claims/{published.pk}/corrections/{correction.pk}/reject", {"version": _fresh(published).version}
    )
    assert missing.status_code == 400
    response = login(frank).post(
        f"/desk/claims/{published.pk}/corrections/{correction.pk}/reject",
        {"version": _fresh(published).version, "note": "The apostrophe is house style."},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.outcome, correction.decision_note) == ("rejected", "The apostrophe is house style.")
    html = login(erin).get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Rejected" in html and "The apostrophe is house style." in html
    assert "Correct a typo in the published text" in html  # a new proposal is possible again


def test_it_shows_what_readers_see_while_a_reopened_claim_is_edited(client, login, erin, frank, published):
    transitions.reopen(frank, published.pk, "New satellite images.")
    response = login(erin).post(
        f"/desk/claims/{published.pk}/edit",
        {"version": _fresh(published).version, "text": "North Korea has sent 12,000 soldiers.", "priority": 80},
    )
    assert response.status_code == 302
    desk = login(erin).get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Readers see" in desk and "North Korea has sent 12,000 soldiers." in desk
    client.logout()
    public = client.get(f"/claims/{published.pk}/").content.decode()
    assert "12,000" not in public and "North Korea has sent 11,000 soldiers to Russia" in public


def test_it_shows_who_changed_the_claim_when_an_approval_is_stale(login, erin, frank, published):
    from verification.workflow.claims import edit_claim

    correction = _propose(published, erin)
    seen = _fresh(published).version
    edit_claim(erin, published.pk, seen, {"priority": 95})
    response = login(frank).post(
        f"/desk/claims/{published.pk}/corrections/{correction.pk}/approve", {"version": seen, "note": "Fine."}
    )
    html = response.content.decode()
    assert response.status_code == 409 and "Someone else changed this claim" in html and "erin edited" in html
    correction.refresh_from_db()
    assert correction.outcome == "pending" and _fresh(published).public_text != FIXED
