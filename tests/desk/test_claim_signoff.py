"""Editors sign off, return with a comment, or reopen; fact-checkers cannot."""

import pytest

from verification.models import Claim, Notification


@pytest.mark.django_db
def test_it_publishes_when_another_editor_signs_off(login, erin, assessed):
    response = login(erin).post(f"/desk/claims/{assessed.pk}/signoff", {"version": assessed.version, "note": "Agreed."})
    assert response.status_code == 302
    claim = Claim.objects.get(pk=assessed.pk)
    assert claim.state == "published" and claim.verdict == "unproven" and claim.confidence == 0.4
    assert claim.events.last().note == "Agreed."
    html = login(erin).get(f"/desk/claims/{assessed.pk}/").content.decode()
    assert "Signed off: the verdict is published." in html and "Reopen for review" in html


@pytest.mark.django_db
def test_it_returns_with_a_comment_the_reviewer_sees(login, erin, alice, assessed):
    response = login(erin).post(
        f"/desk/claims/{assessed.pk}/return",
        {"version": assessed.version, "comment": "Add the Pentagon briefing as evidence."},
    )
    assert response.status_code == 302
    claim = Claim.objects.get(pk=assessed.pk)
    assert claim.state == "in_review" and claim.lease_owner == alice
    note = Notification.objects.get(user=alice, kind="returned")
    assert "Add the Pentagon briefing" in note.message
    html = login(alice).get(f"/desk/claims/{assessed.pk}/").content.decode()
    assert "Add the Pentagon briefing as evidence." in html  # in the history timeline
    assert 'name="verdict"' in html  # she can assess again


@pytest.mark.django_db
def test_it_asks_for_a_comment_before_returning(login, erin, assessed):
    response = login(erin).post(f"/desk/claims/{assessed.pk}/return", {"version": assessed.version, "comment": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert Claim.objects.get(pk=assessed.pk).state == "awaiting_signoff"


@pytest.mark.django_db
def test_it_refuses_sign_off_by_a_fact_checker(login, bob, assessed):
    response = login(bob).post(f"/desk/claims/{assessed.pk}/signoff", {"version": assessed.version})
    assert response.status_code == 403
    assert "You do not have the right to sign off verdicts" in response.content.decode()
    assert Claim.objects.get(pk=assessed.pk).state == "awaiting_signoff"


@pytest.mark.django_db
def test_it_reopens_a_published_claim_keeping_its_verdict(login, frank, published):
    response = login(frank).post(
        f"/desk/claims/{published.pk}/reopen", {"version": published.version, "reason": "New satellite images."}
    )
    assert response.status_code == 302
    claim = Claim.objects.get(pk=published.pk)
    assert claim.state == "reopened" and claim.verdict == "unproven"
