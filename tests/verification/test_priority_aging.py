"""Priority aging: older, more-viewed, more sensitive claims rise; one formula, 0–100."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sources.models import Conflict, ConflictParty
from tests.verification.queue_helpers import fresh, kinds, last_event
from verification.models import Claim
from verification.tasks import age_priorities
from verification.workflow import deadlines, transitions
from verification.workflow.claims import edit_claim

NEUTRAL = {"waited_hours": 0, "sla_used": 0, "reach": 0, "views": 0, "sensitivity": 0}


def aged(base=50, **inputs):
    return deadlines.aged_priority(base, **{**NEUTRAL, **inputs})


def test_it_keeps_a_fresh_unseen_claim_at_its_base():
    assert aged(50) == 50


@pytest.mark.parametrize(
    "field, low, high",
    [
        ("waited_hours", 4, 40),
        ("sla_used", 0.2, 0.9),
        ("reach", 1_000, 5_000_000),
        ("views", 10, 5_000),
        ("sensitivity", 0.4, 1.0),
    ],
)
def test_it_ranks_older_more_viewed_wider_read_and_more_sensitive_claims_higher(field, low, high):
    assert aged(**{field: low}) < aged(**{field: high})


def test_it_stays_between_0_and_100_whatever_the_inputs():
    extreme = {"waited_hours": 10_000, "sla_used": 50, "reach": 10**12, "views": 10**9, "sensitivity": 5}
    assert aged(100, **extreme) == 100 and aged(0, **extreme) == 60
    assert aged(0, waited_hours=-5, sla_used=-1, reach=-3, views=-1, sensitivity=-1) == 0


def backdate(claim, hours):
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(hours=hours))


@pytest.mark.django_db
def test_it_raises_an_old_claim_once_and_records_why(make_claim):
    claim = make_claim(priority=50, due_at=timezone.now() + timedelta(hours=24))
    backdate(claim, 24)  # half of a 48-hour window used
    assert age_priorities() == 1
    claim = fresh(claim)
    assert claim.priority == 50 + 6 + 8  # +1 per 4 h, +15 × 0.5 of the window (rounded)
    event = last_event(claim)
    assert event.kind == "priority" and event.actor is None
    assert (event.changes["from"], event.changes["to"], event.changes["base"]) == (50, 64, 50)
    assert event.changes["inputs"]["waited_hours"] == pytest.approx(24, abs=0.1)
    assert age_priorities() == 0  # same inputs, same answer: no new event
    assert kinds(claim).count("priority") == 1


@pytest.mark.django_db
def test_it_ages_from_the_editors_priority_not_from_its_own_last_result(erin, make_claim):
    claim = make_claim(priority=50)
    Claim.objects.filter(pk=claim.pk).update(view_count=10_000)
    age_priorities()
    assert fresh(claim).priority == 60
    Claim.objects.filter(pk=claim.pk).update(view_count=10)
    age_priorities()  # fewer views (a data fix): back towards the base, not compounding
    assert fresh(claim).priority == 53
    edit_claim(erin, claim.pk, fresh(claim).version, {"priority": 20})
    age_priorities()
    assert fresh(claim).priority == 23 and last_event(claim).changes["base"] == 20


@pytest.mark.django_db
def test_it_ranks_claims_from_a_party_to_a_conflict_or_an_unreliable_source_higher(make_claim, make_source):
    war = Conflict.objects.create(name="Russia–Ukraine war")
    ministry = make_source(name="Ministry of Defence of Ukraine", kind="ministry")
    ConflictParty.objects.create(source=ministry, conflict=war, side="Ukraine")
    budanov = make_source(name="Kyrylo Budanov", parent=ministry)
    channel = make_source(name="Anonymous Telegram channel", kind="social_account", reliability="E")
    neutral = make_source(name="Wire agency", kind="media_outlet", reliability="B")
    party = make_claim(text="From a party", sources=[(budanov, "stated")])
    rumour = make_claim(text="From a channel", sources=[(channel, "stated")])
    both = make_claim(text="Both", sources=[(budanov, "stated"), (channel, "relayed")])
    plain = make_claim(text="Plain", sources=[(neutral, "stated")])
    assert deadlines.source_sensitivity([party.pk, rumour.pk, both.pk, plain.pk]) == {
        party.pk: 0.6,
        rumour.pk: 0.4,
        both.pk: 1.0,
        plain.pk: 0.0,
    }
    age_priorities()
    assert [fresh(c).priority for c in (party, rumour, both, plain)] == [56, 54, 60, 50]


@pytest.mark.django_db
def test_it_leaves_claims_someone_is_working_on_alone(alice, make_claim):
    claim = make_claim(priority=50)
    Claim.objects.filter(pk=claim.pk).update(view_count=10_000)
    taken = transitions.take_next(alice)
    assert age_priorities() == 0
    assert fresh(claim).version == taken.version and fresh(claim).priority == 50
