"""Pasting the seed story proposes its claims, each attributed to the right
source, matched through aliases (Cyrillic included) or proposed as new."""

import pytest

from verification.intake import batches as intake
from verification.models import IntakeBatch, Proposal


def proposal_with(batch, fragment):
    found = [p for p in batch.proposals.all() if fragment in p.text]
    assert found, f"no proposal contains {fragment!r}: {[p.text for p in batch.proposals.all()]}"
    return found[0]


def attribution_to(proposal, name_part):
    found = [a for a in proposal.attributions if name_part.lower() in f"{a['title']} {a['name']}".lower()]
    assert found, f"no attribution to {name_part!r}: {proposal.attributions}"
    return found[0]


@pytest.fixture
def read_story(db, alice, seed_text, story_sources):
    batch = intake.submit(alice, text=seed_text)
    intake.run_batch(batch.pk)
    return IntakeBatch.objects.get(pk=batch.pk)


def test_it_reads_the_seed_story_to_the_end(read_story):
    assert read_story.status == "done" and read_story.error == ""
    assert read_story.progress_done == read_story.progress_total == read_story.proposals.count() >= 6
    assert Proposal.objects.filter(batch=read_story, decision="pending").count() == read_story.proposals.count()


def test_it_proposes_budanovs_two_figures_matched_by_his_cyrillic_alias(read_story, story_sources):
    budanov = story_sources["budanov"]
    for fragment in ("2,600 North Korean soldiers", "11,000 North Korean troops"):
        proposal = proposal_with(read_story, fragment)
        attribution = attribution_to(proposal, "Budanov")
        assert attribution["role"] == "stated" and not proposal.is_opinion
        assert (attribution["source_id"], attribution["source_name"]) == (budanov.pk, "HUR chief")
        assert attribution["score"] == 100 and attribution["new_source"] is False


def test_it_proposes_the_video_released_by_the_center_matched_by_its_short_name(read_story, story_sources):
    attribution = attribution_to(proposal_with(read_story, "released a video"), "Center for Strategic Communication")
    assert attribution["role"] == "released_material"
    assert attribution["source_id"] == story_sources["center"].pk


def test_it_proposes_the_pentagons_inability_to_confirm(read_story, story_sources):
    proposal = proposal_with(read_story, "could not confirm the presence of North Korean forces")
    ryder = attribution_to(proposal, "Pat Ryder")
    assert ryder["role"] == "could_not_confirm" and "Pentagon" in ryder["title"]
    assert ryder["source_id"] == story_sources["ryder"].pk


def test_it_proposes_the_foreign_ministers_statement_as_opinion_from_a_new_source(read_story):
    proposal = proposal_with(read_story, "invading Europe side by side with Russia")
    sybiha = attribution_to(proposal, "Sybiha")
    assert proposal.is_opinion and sybiha["role"] == "opinion"
    assert sybiha["source_id"] is None and sybiha["new_source"] is True and sybiha["kind"] == "person"


def test_it_proposes_the_kyiv_independent_as_a_new_media_outlet(read_story):
    outlet = attribution_to(proposal_with(read_story, "independently verify"), "Kyiv Independent")
    assert outlet["role"] == "could_not_confirm"
    assert (outlet["source_id"], outlet["new_source"], outlet["kind"]) == (None, True, "media_outlet")
