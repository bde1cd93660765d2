"""Each proposal is compared with existing claims through the claim matcher
(full-text and trigram indexes on either database): similar ones are
suggested, near-copies linked, short texts only ever suggested; both
thresholds are settings. Runs on whichever database the suite runs on; CI
runs it on both."""

import pytest

from verification.intake import batches as intake
from verification.models import Claim, IntakeBatch

COPY = "Regional governor Oleh Kiper said 40 drones were launched at the port of Izmail on Tuesday night."
REWORDED_EXISTING = "A first group of 2,600 North Korean soldiers is to be sent to Russia's Kursk region."
REWORDED = (
    "Ukrainian military intelligence chief Kyrylo Budanov said a first group of 2,600 North Korean soldiers "
    "would be sent to the Kursk region."
)
UNRELATED = "The health ministry said 12 hospitals were closed after the storm on Friday."
SHORT = "Prices rose 5% in May."
ARTICLE = f"{COPY} {REWORDED}\n\n{UNRELATED}\n\n{SHORT}"


@pytest.fixture
def existing(make_claim):
    return {
        "copy": make_claim(text=COPY),
        "reworded": make_claim(text=REWORDED_EXISTING),
        "short": make_claim(text=SHORT),
        "other": make_claim(text="The city council approved 3 million euros for new bicycle lanes on Monday."),
    }


def read(user, text=ARTICLE):
    batch = intake.submit(user, text=text)
    intake.run_batch(batch.pk)
    batch = IntakeBatch.objects.get(pk=batch.pk)
    assert batch.status == "done", batch.error
    return {p.text: p for p in batch.proposals.all()}


def suggested(proposal):
    return {d["claim_id"]: d["score"] for d in proposal.duplicates}


def test_it_links_a_copy_of_an_existing_claim(alice, existing):
    proposal = read(alice)[COPY]
    assert proposal.linked_claim_id == existing["copy"].pk
    assert suggested(proposal)[existing["copy"].pk] == pytest.approx(1.0)
    assert proposal.duplicates[0]["claim_id"] == existing["copy"].pk  # best first


def test_it_only_suggests_a_reworded_claim(alice, existing, settings):
    proposal = read(alice)[REWORDED]
    score = suggested(proposal)[existing["reworded"].pk]
    assert settings.MATCH_SUGGEST_SCORE <= score < settings.MATCH_LINK_SCORE
    assert proposal.linked_claim_id is None
    assert existing["copy"].pk not in suggested(proposal)


def test_it_suggests_nothing_for_an_unrelated_claim(alice, existing):
    proposal = read(alice)[UNRELATED]
    assert proposal.duplicates == [] and proposal.linked_claim_id is None


def test_it_never_links_a_short_text_however_similar(alice, existing, settings):
    assert len(SHORT.split()) < settings.INTAKE_LINK_MIN_WORDS
    proposal = read(alice)[SHORT]
    assert suggested(proposal)[existing["short"].pk] == pytest.approx(1.0)
    assert proposal.linked_claim_id is None


def test_it_follows_the_threshold_settings(alice, existing, settings):
    settings.MATCH_LINK_SCORE = 0.4  # the reworded claim now counts as the same
    assert read(alice)[REWORDED].linked_claim_id == existing["reworded"].pk
    settings.MATCH_SUGGEST_SCORE = settings.MATCH_LINK_SCORE = 0.95  # only copies now
    proposals = read(alice)
    assert proposals[REWORDED].duplicates == []
    assert proposals[COPY].linked_claim_id == existing["copy"].pk
    assert Claim.objects.count() == 4  # reading proposes; it never creates claims


def test_it_compares_with_no_claims_at_all(alice):
    proposals = read(alice)
    assert all(p.duplicates == [] and p.linked_claim_id is None for p in proposals.values())
