"""The claim page shows the claim, its attribution chain, appearances, evidence,
history and only the forms the user may use."""

import pytest

from verification.models import Evidence


@pytest.mark.django_db
def test_it_shows_the_claim_chain_appearances_and_history(login, alice, taken, story):
    response = login(alice).get(f"/desk/claims/{taken.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "North Korea has sent 11,000 soldiers" in html
    assert "<svg" in html and "Attribution chain" in html
    assert "Kyrylo Budanov" in html and "HUR" in html and "Could not confirm" in html
    assert "Kursk report" in html
    assert "You hold this claim" in html
    assert 'name="verdict"' in html and 'type="range"' in html
    assert f'name="version" value="{taken.version}"' in html
    assert "created" in html and "taken" in html  # history timeline


@pytest.mark.django_db
def test_it_shows_evidence_with_stance_credibility_hash_and_capture(login, alice, taken):
    Evidence.objects.create(
        claim=taken,
        kind="video",
        title="Video of soldiers",
        url="https://example.org/v.mp4",
        stance="supports",
        credibility=4,
        sha256="ab" * 32,
        capture_status="failed",
        capture_error="Timed out",
    )
    html = login(alice).get(f"/desk/claims/{taken.pk}/").content.decode()
    assert "Video of soldiers" in html and "Supports" in html
    assert "credibility 4" in html
    assert "Failed" in html and "Timed out" in html


@pytest.mark.django_db
def test_it_hides_editor_forms_from_a_fact_checker(login, bob, assessed):
    html = login(bob).get(f"/desk/claims/{assessed.pk}/").content.decode()
    assert "Assessment awaiting sign-off" in html
    assert "Sign off and publish" not in html
    assert "Return to" not in html
    assert "Edit claim text" not in html
    assert "Bulk" not in html and 'name="assignee"' not in html
    assert 'name="verdict"' not in html  # not his lease


@pytest.mark.django_db
def test_it_shows_sign_off_and_return_to_another_editor(login, erin, assessed):
    html = login(erin).get(f"/desk/claims/{assessed.pk}/").content.decode()
    assert "Sign off and publish" in html and "Return to alice" in html
    assert "Edit claim text, language and priority" in html


@pytest.mark.django_db
def test_it_refuses_people_without_a_desk_role(login, carol, story_claim, client):
    assert login(carol).get(f"/desk/claims/{story_claim.pk}/").status_code == 403
    client.logout()
    response = client.get(f"/desk/claims/{story_claim.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_answers_404_for_a_missing_claim(login, alice):
    assert login(alice).get("/desk/claims/999999/").status_code == 404


@pytest.mark.django_db
def test_it_keeps_its_query_count_fixed_however_much_history(login, erin, taken, alice, django_assert_max_num_queries):
    from verification.workflow import transitions

    client = login(erin)
    Evidence.objects.create(claim=taken, kind="article", title="First report", url="https://example.org/first")
    # About 19 for the page, and up to 7 for "checked before" (the claim matcher's index questions).
    # 29 today: the suggestion reads the model, the graph, topic records and similar published claims (the matcher)
    # +2 for the discussion and checklist panels (docs/collaboration.md): the comments, and the
    # checklist items that apply; with an edited comment or a checklist, one more each (earlier texts,
    # ticks), pinned in tests/desk/test_claim_comments.py and test_claim_checklist.py.
    with django_assert_max_num_queries(32) as small:
        first = client.get(f"/desk/claims/{taken.pk}/")
    assert first.status_code == 200 and "First report" in first.content.decode()
    for i in range(15):
        transitions.extend(alice, taken.pk)
        Evidence.objects.create(claim=taken, kind="article", title=f"Report {i}", url=f"https://example.org/{i}")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(f"/desk/claims/{taken.pk}/")
    assert response.status_code == 200 and "Report 14" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
