"""Assessing a claim from its page: verdict, confidence slider, rationale."""

import pytest

from verification.models import Claim
from verification.workflow import transitions


def _post(client, claim, **fields):
    data = {
        "version": claim.version,
        "verdict": "unproven",
        "confidence": "0.35",
        "credibility": "3",
        "rationale": "Only one party says so; the Pentagon could not confirm.",
    }
    data.update(fields)
    return client.post(f"/desk/claims/{claim.pk}/assess", data)


@pytest.mark.django_db
def test_it_saves_an_assessment_and_waits_for_sign_off(login, alice, taken):
    response = _post(login(alice), taken)
    assert response.status_code == 302 and response["Location"] == f"/desk/claims/{taken.pk}/"
    claim = Claim.objects.get(pk=taken.pk)
    assert claim.state == "awaiting_signoff" and claim.lease_owner is None
    assessment = claim.pending_assessment
    assert (assessment.verdict, assessment.confidence, assessment.credibility) == ("unproven", 0.35, 3)
    page = login(alice).get(f"/desk/claims/{taken.pk}/").content.decode()
    assert "Assessment saved" in page and "another editor signs it off" in page


@pytest.mark.django_db
def test_it_keeps_the_input_when_the_rationale_is_missing(login, alice, taken):
    response = _post(login(alice), taken, rationale="", confidence="0.8", verdict="false")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required" in html
    assert 'value="0.8"' in html and '<option value="false" selected>' in html
    assert Claim.objects.get(pk=taken.pk).state == "in_review"


@pytest.mark.django_db
def test_it_refuses_a_confidence_outside_0_to_1(login, alice, taken):
    response = _post(login(alice), taken, confidence="1.5")
    assert response.status_code == 400
    assert "less than or equal to 1" in response.content.decode()
    assert Claim.objects.get(pk=taken.pk).pending_assessment is None


@pytest.mark.django_db
def test_it_tells_a_reviewer_without_the_lease_what_to_do(login, bob, taken):
    response = _post(login(bob), taken)
    assert response.status_code == 403
    assert "Take the claim from the queue before assessing it" in response.content.decode()
    assert Claim.objects.get(pk=taken.pk).state == "in_review"


@pytest.mark.django_db
def test_it_does_not_treat_my_own_lease_extension_as_a_conflict(login, alice, taken):
    transitions.extend(alice, taken.pk)  # e.g. from the lease panel, after the form was rendered
    response = _post(login(alice), taken)
    assert response.status_code == 302
    assert Claim.objects.get(pk=taken.pk).state == "awaiting_signoff"
