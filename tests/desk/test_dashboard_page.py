"""The dashboard: backlog, SLA breaches, throughput, median time to verdict, calibration."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from verification.models import Claim
from verification.workflow import transitions


def _publish(claim, reviewer, editor, verdict="false", confidence=0.8):
    taken = transitions.take_next(reviewer)
    assert taken.pk == claim.pk
    transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale="Checked.")
    return transitions.sign_off(editor, claim.pk)


@pytest.mark.django_db
def test_it_shows_backlog_sla_and_throughput(login, erin, alice, frank, make_claim):
    make_claim("Queued one")
    make_claim("Late one", due_at=timezone.now() - timedelta(hours=2))
    published = make_claim("Published one", priority=99)
    _publish(published, alice, frank)
    html = login(erin).get("/desk/dashboard").content.decode()
    assert 'id="backlog-t"' in html and 'id="throughput-t"' in html
    assert "Queued: 2" in html and "In review: 0" in html  # the chart's description
    assert "Late one" in html and "past their deadline" in html
    assert f"{timezone.now():%d %b}: 1" in html
    assert "1 verdict published in 14 days" in html


def _publish_and_retest(claim, reviewer, second, editor, confidence):
    """Publish ``reviewer``'s verdict, then reopen and have ``second`` confirm it."""
    _publish(claim, reviewer, editor, verdict="false", confidence=confidence)
    transitions.reopen(editor, claim.pk, "Checking again.")
    _publish(claim, second, editor, verdict="false", confidence=0.9)


@pytest.mark.django_db
def test_it_says_not_enough_data_for_calibration(login, erin, alice, bob, frank, make_claim):
    from verification.credibility.calibration import recompute

    _publish_and_retest(make_claim("Only one"), alice, bob, frank, 0.8)
    recompute()
    html = login(erin).get("/desk/dashboard").content.decode()
    assert "Not enough data yet" in html


@pytest.mark.django_db
def test_it_scores_reviewers_whose_verdicts_were_tested(login, erin, alice, bob, frank, make_claim):
    from verification.credibility.calibration import recompute

    for i in range(5):
        _publish_and_retest(make_claim(f"Claim {i}"), alice, bob, frank, 0.8)
    recompute()
    html = re.sub(r">\s+<", "><", login(erin).get("/desk/dashboard").content.decode())
    assert "<td>alice</td><td>5</td><td>5 of 5</td><td>0.040</td>" in html  # (0.8 - 1)² = 0.04
    assert "<td>bob</td>" not in html  # his verdicts are the latest: not tested yet


@pytest.mark.django_db
def test_it_shows_a_fact_checker_only_their_own_score(login, alice, bob, frank, make_claim):
    from verification.credibility.calibration import recompute

    for i in range(5):
        _publish_and_retest(make_claim(f"Claim {i}"), alice, bob, frank, 0.8)
    recompute()
    assert "<td>alice</td>" not in login(bob).get("/desk/dashboard").content.decode()
    assert "<td>alice</td>" in login(alice).get("/desk/dashboard").content.decode()


@pytest.mark.django_db
def test_it_keeps_its_query_count_fixed(login, erin, alice, frank, make_claim, django_assert_max_num_queries):
    from django.core.cache import cache

    client = login(erin)
    with django_assert_max_num_queries(20) as small:
        assert client.get("/desk/dashboard").status_code == 200
    for i in range(6):
        _publish(make_claim(f"Claim {i}"), alice, frank)
    for i in range(6):
        make_claim(f"Late {i}", due_at=timezone.now() - timedelta(hours=1))
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/desk/dashboard")
    assert response.status_code == 200
    assert "Backlog by state" in response.content.decode()
    assert Claim.objects.count() == 12
