"""The editor's sign-off list: each claim awaiting sign-off shows the proposed
verdict, confidence and reviewer, and the list filters by them, with a fixed
query count however many claims wait."""

import re

import pytest
from django.utils.html import strip_tags

from verification.models import Claim
from verification.workflow import transitions


def _rows(html: str) -> list[str]:
    """Each queue row's text, whitespace collapsed."""
    return [" ".join(strip_tags(row).split()) for row in re.findall(r"<tr data-queue-row>(.*?)</tr>", html, re.S)]


@pytest.fixture
def proposals(make_claim, alice, bob):
    """Four claims awaiting sign-off: (text, reviewer, verdict, confidence)."""
    made = {}
    for text, reviewer, verdict, confidence in [
        ("Claim one about troops", alice, "false", 0.9),
        ("Claim two about drones", bob, "false", 0.55),
        ("Claim three about ships", bob, "likely_true", 0.7),
        ("Claim four about tanks", alice, "misleading", 0.3),
    ]:
        claim = make_claim(text, priority=50)
        taken = transitions.take_next(reviewer)
        assert taken.pk == claim.pk
        transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale="Checked.")
        made[text] = claim
    return made


@pytest.mark.django_db
def test_it_shows_the_proposed_verdict_confidence_and_reviewer(login, erin, alice, assessed):
    rows = _rows(login(erin).get("/desk/?tab=signoff").content.decode())
    assert len(rows) == 1
    assert "Unproven (cannot be confirmed) 40% proposed" in rows[0]
    assert "alice (assessed)" in rows[0]
    # The fact-checker sees her own proposal the same way in "Awaiting sign-off (mine)".
    mine = _rows(login(alice).get("/desk/?tab=signoff").content.decode())
    assert "Unproven (cannot be confirmed) 40% proposed" in mine[0]
    assert Claim.objects.get(pk=assessed.pk).verdict == ""  # nothing published: the verdict shown is the proposal


@pytest.mark.django_db
def test_it_shows_a_reopened_claims_published_verdict_beside_the_new_proposal(login, erin, frank, alice, published):
    transitions.reopen(frank, published.pk, "New footage.")
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="false", confidence=0.85, rationale="The footage is from 2023.")
    (row,) = _rows(login(erin).get("/desk/?tab=signoff").content.decode())
    assert "False 85% proposed published: Unproven (cannot be confirmed) 40%" in row


@pytest.mark.django_db
def test_it_filters_the_sign_off_list_by_proposed_verdict_reviewer_and_confidence(login, erin, proposals):
    client = login(erin)

    def shown(query):
        rows = _rows(client.get(f"/desk/?tab=signoff&{query}").content.decode())
        return sorted(text.split()[1] for text in proposals if any(text in row for row in rows))

    assert shown("") == ["four", "one", "three", "two"]
    assert shown("verdict=false") == ["one", "two"]
    assert shown("reviewer=bob") == ["three", "two"]
    assert shown("confidence_min=55&confidence_max=70") == ["three", "two"]  # both ends included
    assert shown("confidence_min=80") == ["one"]
    assert shown("confidence_max=30") == ["four"]
    assert shown("verdict=false&reviewer=alice") == ["one"]
    html = client.get("/desk/?tab=signoff").content.decode()
    assert ">Proposed verdict</label>" in html and 'name="reviewer"' in html and 'name="confidence_min"' in html


@pytest.mark.django_db
def test_it_keeps_verdict_and_confidence_as_published_on_other_tabs(login, erin, proposals, published):
    client = login(erin)
    # "false" is proposed for two claims but published for none: the All tab filters published verdicts.
    assert _rows(client.get("/desk/?tab=all&verdict=false").content.decode()) == []
    (row,) = _rows(client.get("/desk/?tab=all&verdict=unproven&confidence_min=40&confidence_max=40").content.decode())
    assert "North Korea has sent" in row
    # The reviewer filter there means whoever the Reviewer column shows (holder or proposer).
    rows = _rows(client.get("/desk/?tab=all&reviewer=bob").content.decode())
    assert sorted(text.split()[1] for text in proposals if any(text in row for row in rows)) == ["three", "two"]
    assert len(rows) == 2


@pytest.mark.django_db
def test_it_names_a_bad_filter_and_still_applies_the_others(login, erin, proposals):
    client = login(erin)
    html = client.get("/desk/?tab=signoff&verdict=false&confidence_min=90&confidence_max=20").content.decode()
    assert "Confidence to (%): It is below “Confidence from” (90 %)" in html
    rows = _rows(html)
    assert len(rows) == 1 and "Claim one about troops" in rows[0]  # verdict and confidence_min still apply
    html = client.get("/desk/?tab=signoff&reviewer=nobody&confidence_min=101").content.decode()
    assert "Reviewer: No fact-checker or editor has that user name" in html
    assert "Confidence from (%): Ensure this value is less than or equal to 100." in html
    assert len(_rows(html)) == 4
    # An HTMX filter request gets the same message in the part it swaps.
    partial = client.get(
        "/desk/?tab=signoff&confidence_max=x", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results"
    ).content.decode()
    assert "Confidence to (%): Enter a whole number." in partial and "<html" not in partial


@pytest.mark.django_db
def test_it_keeps_the_sign_off_list_query_count_fixed(
    login, erin, alice, bob, make_claim, django_assert_max_num_queries
):
    client = login(erin)

    def propose(n):
        for i in range(n):
            claim = make_claim(f"Proposal {i} about convoys", priority=50, tags=["war", "convoys"])
            reviewer = alice if i % 2 else bob
            transitions.take_next(reviewer)
            transitions.assess(reviewer, claim.pk, verdict="false", confidence=0.6, rationale="Checked.")

    query = "/desk/?tab=signoff&verdict=false&confidence_min=50&reviewer=alice"
    propose(2)
    with django_assert_max_num_queries(25) as few:
        first = client.get(query)
    assert len(_rows(first.content.decode())) == 1
    propose(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = client.get(query)
    assert len(_rows(many.content.decode())) == 16
