import pytest

from verification.models import Claim
from verification.workflow import transitions


@pytest.mark.django_db
def test_it_takes_assesses_and_publishes_with_four_eyes(alice, erin, make_claim):
    claim = make_claim()
    taken = transitions.take_next(alice)
    assert taken.pk == claim.pk and taken.state == "in_review" and taken.lease_owner == alice
    transitions.assess(
        alice,
        claim.pk,
        verdict="unproven",
        confidence=0.4,
        rationale="Only one side says so.",
        expected_version=taken.version,
    )
    published = transitions.sign_off(erin, claim.pk)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == "published" and claim.verdict == "unproven" and claim.confidence == 0.4
    kinds = list(claim.events.values_list("kind", flat=True))
    assert kinds == ["created", "taken", "assessed", "published"]
    assert claim.version == published.version == 4
