"""The database itself refuses impossible rows, whatever code path writes them."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sources.models import Source, SourceAlias
from verification.models import Assessment, Attribution, Claim, Evidence


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-0.01, 1.01, 2])
def test_it_refuses_a_confidence_outside_zero_to_one(value, make_claim):
    claim = make_claim()
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(confidence=value))
    assert Claim.objects.get(pk=claim.pk).confidence is None


@pytest.mark.django_db
def test_it_accepts_confidence_at_the_bounds(make_claim):
    claim = make_claim()
    for value in (0, 1, None):
        assert not refused(lambda value=value: Claim.objects.filter(pk=claim.pk).update(confidence=value))


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 7])
def test_it_refuses_information_credibility_outside_one_to_six(value, alice, make_claim):
    claim = make_claim()
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(credibility=value))
    assert refused(lambda: Evidence.objects.create(claim=claim, kind="video", title="t", notes="n", credibility=value))
    assert refused(
        lambda: Assessment.objects.create(
            claim=claim, reviewer=alice, verdict="false", confidence=0.5, rationale="x", credibility=value
        )
    )
    assert not Evidence.objects.exists() and not Assessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_assessment_confidence_out_of_range(alice, make_claim):
    claim = make_claim()
    assert refused(
        lambda: Assessment.objects.create(claim=claim, reviewer=alice, verdict="false", confidence=1.5, rationale="x")
    )
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_claim_without_text():
    assert refused(lambda: Claim.objects.create(text=""))
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_it_refuses_the_same_source_twice_in_one_role(make_claim, make_source):
    budanov = make_source()
    claim = make_claim(sources=[(budanov, "stated")])
    assert refused(lambda: Attribution.objects.create(claim=claim, source=budanov, role="stated"))
    assert not refused(lambda: Attribution.objects.create(claim=claim, source=budanov, role="opinion"))
    assert claim.attributions.count() == 2


@pytest.mark.django_db
def test_it_refuses_an_unknown_role_or_state(make_claim, make_source):
    claim = make_claim()
    assert refused(lambda: Attribution.objects.create(claim=claim, source=make_source(), role="rumoured"))
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(state="approved"))
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(verdict="pants_on_fire"))


@pytest.mark.django_db
def test_it_keeps_a_lease_owner_and_its_expiry_together(alice, make_claim):
    claim = make_claim()
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(lease_owner=alice))
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now()))
    assert not refused(
        lambda: Claim.objects.filter(pk=claim.pk).update(lease_owner=alice, lease_expires_at=timezone.now())
    )


@pytest.mark.django_db
def test_it_refuses_evidence_with_nothing_in_it(make_claim):
    claim = make_claim()
    assert refused(lambda: Evidence.objects.create(claim=claim, kind="video", title="A video"))
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_source_loops_and_duplicate_aliases(make_source):
    budanov = make_source()
    assert refused(lambda: Source.objects.filter(pk=budanov.pk).update(parent=budanov))
    SourceAlias.objects.create(source=budanov, name="Буданов")
    assert refused(lambda: SourceAlias.objects.create(source=budanov, name="Budanov"))  # same normalised spelling
    assert refused(lambda: Source.objects.create(name="Kyrylo Budanov", kind="person"))  # same live name and country
