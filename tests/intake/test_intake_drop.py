"""Dropping a proposal records the decision and writes nothing else."""

import pytest

from sources.models import Source, SourceEvent
from tests.intake.intake_support import proposal, read
from verification.intake.review import confirm, drop
from verification.models import Attribution, Claim, ClaimEvent
from verification.workflow.transitions import IllegalMove


def test_it_drops_a_proposal_and_writes_no_claim_or_source(alice, known_sources):
    item = proposal(read(alice), "invading Europe")
    sources_before = Source.objects.count()
    drop(alice, item.pk)
    item.refresh_from_db()
    assert (item.decision, item.decided_by, item.claim) == ("dropped", alice, None)
    assert not Claim.objects.exists() and not Attribution.objects.exists() and not ClaimEvent.objects.exists()
    assert Source.objects.count() == sources_before and not SourceEvent.objects.exists()


def test_it_cannot_confirm_a_dropped_proposal(alice, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    drop(alice, item.pk)
    with pytest.raises(IllegalMove, match="already dropped"):
        confirm(alice, item.pk)
    assert not Claim.objects.exists()
