"""The queue: tabs, filters, search, take next, bounded counts, fixed query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from verification.models import Claim
from verification.workflow import transitions


@pytest.mark.django_db
def test_it_lists_unassigned_claims_by_priority(login, alice, make_claim):
    make_claim("Low priority claim", priority=10)
    make_claim("Urgent claim", priority=95)
    html = login(alice).get("/desk/").content.decode()
    assert html.index("Urgent claim") < html.index("Low priority claim")
    assert "Take next claim" in html


@pytest.mark.django_db
def test_it_takes_the_next_claim_and_opens_it(login, alice, make_claim):
    make_claim("Low priority claim", priority=10)
    urgent = make_claim("Urgent claim", priority=95)
    response = login(alice).post("/desk/take-next")
    assert response.status_code == 302 and response["Location"] == f"/desk/claims/{urgent.pk}/"
    claim = Claim.objects.get(pk=urgent.pk)
    assert claim.lease_owner == alice and claim.state == "in_review"
    html = login(alice).get("/desk/?tab=mine").content.decode()
    assert "Urgent claim" in html and "Low priority claim" not in html
    assert f"Continue with claim {urgent.pk}" in html and "data-expires-at" in html


@pytest.mark.django_db
def test_it_says_so_when_nothing_is_queued(login, alice):
    response = login(alice).post("/desk/take-next", follow=True)
    assert "Nothing is waiting in the queue" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_overdue_and_recently_published_tabs(login, erin, make_claim, published):
    late = make_claim("A late claim", due_at=timezone.now() - timedelta(hours=3))
    overdue = login(erin).get("/desk/?tab=overdue").content.decode()
    assert "A late claim" in overdue and "overdue" in overdue
    recent = login(erin).get("/desk/?tab=published").content.decode()
    assert "North Korea has sent" in recent and "A late claim" not in recent
    assert late.pk


@pytest.mark.django_db
def test_it_shows_editors_what_awaits_their_sign_off(login, erin, alice, assessed):
    assert "North Korea has sent" in login(erin).get("/desk/?tab=signoff").content.decode()
    mine = login(alice).get("/desk/?tab=signoff").content.decode()
    assert "Awaiting sign-off (mine)" in mine and "North Korea has sent" in mine


@pytest.mark.django_db
def test_it_filters_by_search_state_tag_source_and_priority(login, alice, make_claim, story_claim, story):
    make_claim("Unrelated weather claim", priority=20, tags=["weather"])
    client = login(alice)

    def texts(query):
        html = client.get(f"/desk/?tab=all&{query}").content.decode()
        return ("North Korea" in html, "Unrelated weather" in html)

    assert texts("q=kursk") == (True, False)
    assert texts("tag=weather") == (False, True)
    assert texts("source=Budanov") == (True, False)
    assert texts("source=Буданов") == (True, False)  # by alias
    assert texts("priority=low") == (False, True)
    assert texts("state=queued") == (True, True)
    assert texts("verdict=false") == (False, False)


@pytest.mark.django_db
def test_it_answers_htmx_filter_requests_with_the_results_only(login, alice, story_claim):
    response = login(alice).get("/desk/?tab=all&q=kursk", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    html = response.content.decode()
    assert "North Korea" in html and "<html" not in html


@pytest.mark.django_db
def test_it_shows_no_bulk_actions_to_a_fact_checker(login, alice, story_claim):
    html = login(alice).get("/desk/").content.decode()
    assert 'id="bulk-form"' not in html and "Export CSV" not in html and 'name="ids"' not in html


@pytest.mark.django_db
def test_it_shows_bulk_actions_to_an_editor(login, erin, story_claim):
    html = login(erin).get("/desk/").content.decode()
    assert 'id="bulk-form"' in html and "Export CSV" in html and 'name="ids"' in html


@pytest.mark.django_db
def test_it_pages_and_caps_counts(login, alice, make_claim, settings, monkeypatch):
    monkeypatch.setattr("verification.desk.base.COUNT_CAP", 30)
    for i in range(32):
        make_claim(f"Claim number {i:02d}", priority=50)
    client = login(alice)
    first = client.get("/desk/").content.decode()
    assert "30+" in first and "Next →" in first
    second = client.get("/desk/?tab=unassigned&page=2").content.decode()
    assert "Claim number 25" in second and "Claim number 00" not in second and "← Previous" in second


@pytest.mark.django_db
def test_it_keeps_its_query_count_fixed_however_many_claims(login, erin, make_claim, django_assert_max_num_queries):
    client = login(erin)
    make_claim("One claim", tags=["a"])
    with django_assert_max_num_queries(20) as small:
        first = client.get("/desk/?tab=all")
    assert first.status_code == 200 and "One claim" in first.content.decode()
    for i in range(40):
        make_claim(f"Claim {i}", tags=["a", "b"])
    transitions.take_next(erin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/desk/?tab=all")
    assert response.status_code == 200
    assert "Claim 39" in response.content.decode()
