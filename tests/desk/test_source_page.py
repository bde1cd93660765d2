"""The source page: profile, affiliations, conflict side, grades, track record chart, claims."""

import pytest

from sources.models import SourceGrade, SourceRelation, TrackRecord


@pytest.fixture
def graded(story, adam):
    budanov = story["budanov"]
    SourceGrade.objects.create(
        source=budanov, grade="C", rationale="Often right on troop numbers, a party to the war.", graded_by=adam
    )
    budanov.reliability = "C"
    budanov.save()
    SourceRelation.objects.create(from_source=budanov, to_source=story["ministry"], kind="speaks_for")
    TrackRecord.objects.create(
        source=budanov,
        mean=0.62,
        interval_low=0.41,
        interval_high=0.80,
        effective_n=9,
        count=9,
        by_topic={"war": {"mean": 0.7, "interval_low": 0.45, "interval_high": 0.88, "count": 6}},
    )
    return budanov


@pytest.mark.django_db
def test_it_shows_profile_affiliations_and_grades(login, alice, graded, story, story_claim):
    html = login(alice).get(f"/sources/{graded.pk}/").content.decode()
    assert "Kyrylo Budanov" in html and "Буданов" in html
    assert "HUR</a> → <a" in html and "Ministry of Defence of Ukraine" in html  # parent chain
    assert "Speaks for" in html
    assert "C – Fairly reliable" in html and "Often right on troop numbers" in html and "adam" in html
    assert "North Korea has sent" in html and "Stated" in html


@pytest.mark.django_db
def test_it_draws_the_track_record_with_its_interval(login, alice, graded):
    html = login(alice).get(f"/sources/{graded.pk}/").content.decode()
    assert "<svg" in html and 'id="track-record-t"' in html
    assert "All topics: 62%, 90% interval 41%–80%, 9 claims" in html
    assert "war: 70%" in html
    assert "selected sample" in html


@pytest.mark.django_db
def test_it_says_when_there_is_no_track_record(login, alice, story):
    html = login(alice).get(f"/sources/{story['pentagon'].pk}/").content.decode()
    assert "No track record yet" in html and 'id="track-record-t"' not in html


@pytest.mark.django_db
def test_it_shows_the_conflict_side(login, alice, story):
    html = login(alice).get(f"/sources/{story['ministry'].pk}/").content.decode()
    assert "Russia–Ukraine war (side: Ukraine)" in html
    assert "Includes" in html and "HUR" in html


@pytest.mark.django_db
def test_it_pages_the_claims_attributed(login, alice, story, make_claim):
    for i in range(27):
        make_claim(f"Budanov claim {i:02d}", sources=[(story["budanov"], "stated")])
    client = login(alice)
    first = client.get(f"/sources/{story['budanov'].pk}/").content.decode()
    assert "(27)" in first and "Budanov claim 26" in first and "Budanov claim 01" not in first and "Next →" in first
    second = client.get(f"/sources/{story['budanov'].pk}/?page=2").content.decode()
    assert "Budanov claim 01" in second


@pytest.mark.django_db
def test_it_keeps_its_query_count_fixed(login, alice, graded, story, make_claim, django_assert_max_num_queries):
    client = login(alice)
    with django_assert_max_num_queries(20) as small:
        assert client.get(f"/sources/{graded.pk}/").status_code == 200
    for i in range(10):
        make_claim(f"Another claim {i}", sources=[(graded, "stated")])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/sources/{graded.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert graded.name in html and "Another claim 9" in html


@pytest.mark.django_db
def test_it_is_for_desk_users_only(login, carol, story):
    assert login(carol).get(f"/sources/{story['budanov'].pk}/").status_code == 403
