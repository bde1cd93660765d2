"""The lease panel: countdown, extend (HTMX or plain), release, assign."""

import pytest

from verification.models import Claim


@pytest.mark.django_db
def test_it_extends_the_lease_and_answers_htmx_with_the_panel(login, alice, taken):
    before = taken.lease_expires_at
    response = login(alice).post(f"/desk/claims/{taken.pk}/extend", {"seen": taken.version}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="lease-status"' in html and "Lease extended" in html
    assert "data-expires-at" in html
    assert Claim.objects.get(pk=taken.pk).lease_expires_at > before


@pytest.mark.django_db
def test_it_extends_without_javascript_too(login, alice, taken):
    response = login(alice).post(f"/desk/claims/{taken.pk}/extend")
    assert response.status_code == 302 and response["Location"] == f"/desk/claims/{taken.pk}/"


@pytest.mark.django_db
def test_it_releases_a_claim_back_to_the_queue(login, alice, taken):
    response = login(alice).post(f"/desk/claims/{taken.pk}/release")
    assert response.status_code == 302 and response["Location"] == "/desk/"
    claim = Claim.objects.get(pk=taken.pk)
    assert claim.state == "queued" and claim.lease_owner is None


@pytest.mark.django_db
def test_it_refuses_to_release_someone_elses_claim_for_a_fact_checker(login, bob, taken, alice):
    response = login(bob).post(f"/desk/claims/{taken.pk}/release", follow=True)
    assert "release another reviewer" in response.content.decode()
    assert Claim.objects.get(pk=taken.pk).lease_owner == alice


@pytest.mark.django_db
def test_it_lets_an_editor_assign_a_claim(login, erin, bob, story_claim):
    page = login(erin).get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert 'name="assignee"' in page
    response = login(erin).post(f"/desk/claims/{story_claim.pk}/assign", {"assignee": bob.pk})
    assert response.status_code == 302
    claim = Claim.objects.get(pk=story_claim.pk)
    assert claim.lease_owner == bob and claim.state == "in_review"


@pytest.mark.django_db
def test_it_offers_extend_and_release_from_the_queue_and_returns_there(login, alice, taken):
    client = login(alice)
    html = client.get("/desk/?tab=mine").content.decode()
    assert f"/desk/claims/{taken.pk}/extend" in html and f"/desk/claims/{taken.pk}/release" in html
    response = client.post(f"/desk/claims/{taken.pk}/extend", {"next": "/desk/?tab=mine"})
    assert response.status_code == 302 and response["Location"] == "/desk/?tab=mine"
    assert (
        client.post(f"/desk/claims/{taken.pk}/extend", {"next": "https://evil.example/"})["Location"]
        == f"/desk/claims/{taken.pk}/"
    )
