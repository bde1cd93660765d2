"""Two people change one claim: the second sees who changed what, and keeps their input."""

import pytest

from verification.models import Claim, ClaimEvent


@pytest.mark.django_db
def test_it_shows_the_conflict_and_keeps_the_second_editors_text(client, erin, frank, story_claim):
    from django.test import Client

    seen = story_claim.version
    erin_client, frank_client = Client(), Client()
    erin_client.force_login(erin)
    frank_client.force_login(frank)
    first = erin_client.post(
        f"/desk/claims/{story_claim.pk}/edit",
        {"version": seen, "text": "North Korea sent about 11,000 soldiers.", "priority": 80},
    )
    assert first.status_code == 302
    second = frank_client.post(
        f"/desk/claims/{story_claim.pk}/edit",
        {"version": seen, "text": "Frank's careful rewording of the claim.", "priority": 80},
    )
    html = second.content.decode()
    assert second.status_code == 409
    assert "Someone else changed this claim while you were working" in html
    assert "erin edited this claim" in html and "North Korea sent about 11,000 soldiers." in html
    assert "Frank&#x27;s careful rewording of the claim." in html  # still in his form
    claim = Claim.objects.get(pk=story_claim.pk)
    assert claim.text == "North Korea sent about 11,000 soldiers."
    assert f'name="version" value="{claim.version}"' in html  # rebased: a second submit is deliberate
    assert ClaimEvent.objects.filter(claim=claim, kind="edited").count() == 1


@pytest.mark.django_db
def test_it_keeps_the_assessment_when_an_editor_changed_the_claim(login, alice, erin, taken):
    from verification.workflow.claims import edit_claim

    edit_claim(erin, taken.pk, taken.version, {"priority": 95})
    response = login(alice).post(
        f"/desk/claims/{taken.pk}/assess",
        {"version": taken.version, "verdict": "false", "confidence": "0.9", "rationale": "My careful rationale."},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "erin edited this claim" in html and "priority" in html
    assert "My careful rationale." in html and 'value="0.9"' in html
    assert Claim.objects.get(pk=taken.pk).state == "in_review"
    # Submitting again, now on the current version, goes through.
    claim = Claim.objects.get(pk=taken.pk)
    again = login(alice).post(
        f"/desk/claims/{taken.pk}/assess",
        {"version": claim.version, "verdict": "false", "confidence": "0.9", "rationale": "My careful rationale."},
    )
    assert again.status_code == 302 and Claim.objects.get(pk=taken.pk).state == "awaiting_signoff"


@pytest.mark.django_db
def test_it_warns_on_the_open_page_when_someone_else_changed_the_claim(login, alice, erin, taken):
    # The warning moved from the lease panel's own poll to the claim page's live poll (docs/live_pages.md).
    from verification.workflow.claims import edit_claim

    client = login(alice)
    assert 'hx-trigger="every 5s, live:refresh"' in client.get(f"/desk/claims/{taken.pk}/").content.decode()
    edit_claim(erin, taken.pk, taken.version, {"priority": 95})
    response = client.get(f"/desk/claims/{taken.pk}/live?seen={taken.version}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this claim while you were working" in html
    assert "erin edited" in html and "priority" in html
