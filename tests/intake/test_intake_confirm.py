"""Confirming a proposal puts a claim in the queue with its attributions;
edits are kept; new sources need an admin; linked proposals add to the
existing claim instead of making another."""

import pytest
from django.core.exceptions import ValidationError

from sources.models import Source, SourceEvent
from tests.intake.intake_support import proposal, read
from verification.intake.review import AttributionChoice, confirm
from verification.models import Appearance, Attribution, Claim, ClaimEvent
from verification.workflow.transitions import IllegalMove, NotAllowed


def test_it_confirms_a_proposal_into_a_queued_claim_with_its_attribution(alice, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    claim = confirm(alice, item.pk)
    claim.refresh_from_db()
    assert (claim.text, claim.state, claim.created_by) == (item.text, "queued", alice)
    assert list(claim.attributions.values_list("source__name", "role")) == [("Kyrylo Budanov", "stated")]
    assert ClaimEvent.objects.filter(claim=claim, kind="created", actor=alice).exists()
    item.refresh_from_db()
    assert (item.decision, item.claim, item.decided_by) == ("confirmed", claim, alice)


def test_it_links_a_relayed_source_to_the_source_it_relays(alice, known_sources):
    claim = confirm(alice, proposal(read(alice), "11,000 North Korean troops").pk)
    relayed = Attribution.objects.get(claim=claim, role="relayed")
    assert relayed.source == known_sources["outlet"]
    assert relayed.relays == Attribution.objects.get(claim=claim, source=known_sources["budanov"], role="stated")


def test_it_leaves_an_unnamed_source_out_by_default(alice, known_sources):
    claim = confirm(alice, proposal(read(alice), "40 ships").pk)
    assert claim.attributions.count() == 0 and Source.objects.count() == 2


def test_it_keeps_the_reviewers_edits(alice, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    choices = [AttributionChoice(name="Kyrylo Budanov", role="stated", source_id=known_sources["outlet"].pk)]
    claim = confirm(alice, item.pk, text="North Korea will send 2,600 soldiers to Kursk.", choices=choices)
    assert claim.text == "North Korea will send 2,600 soldiers to Kursk."
    assert list(claim.attributions.values_list("source", flat=True)) == [known_sources["outlet"].pk]
    item.refresh_from_db()
    assert item.decision == "edited" and item.text != claim.text  # the proposal keeps what the article said


def test_it_refuses_a_fact_checker_a_new_source_and_writes_nothing(alice, known_sources):
    item = proposal(read(alice), "invading Europe")
    with pytest.raises(NotAllowed, match="'Andrii Sybiha' matches no source.*admin"):
        confirm(alice, item.pk)
    assert not Source.objects.filter(name="Andrii Sybiha").exists()
    assert not Claim.objects.exists()
    item.refresh_from_db()
    assert item.decision == "pending"  # left for an admin


def test_it_lets_a_fact_checker_pick_an_existing_source_instead(alice, known_sources):
    item = proposal(read(alice), "invading Europe")
    choice = AttributionChoice(name="Andrii Sybiha", role="opinion", source_id=known_sources["budanov"].pk)
    claim = confirm(alice, item.pk, choices=[choice])
    assert list(claim.attributions.values_list("source", "role")) == [(known_sources["budanov"].pk, "opinion")]


def test_it_lets_an_admin_create_the_new_source_while_confirming(adam, alice, known_sources):
    item = proposal(read(alice), "invading Europe")
    claim = confirm(adam, item.pk)
    sybiha = Source.objects.get(name="Andrii Sybiha")
    assert sybiha.kind == "person"
    assert SourceEvent.objects.filter(source=sybiha, kind="created", actor=adam).exists()
    assert list(claim.attributions.values_list("source", "role")) == [(sybiha.pk, "opinion")]
    assert list(claim.tags.values_list("name", flat=True)) == ["opinion"]


def test_it_adds_a_linked_proposal_to_the_existing_claim(alice, known_sources, make_claim):
    text = (
        "Ukrainian military intelligence chief Kyrylo Budanov said 2,600 North Korean soldiers would be "
        "sent to the Kursk region on Friday."
    )
    existing = make_claim(text=text)
    item = proposal(read(alice), "2,600 North Korean soldiers")
    assert item.linked_claim == existing
    claim = confirm(alice, item.pk)
    assert claim == existing and Claim.objects.count() == 1
    assert list(existing.attributions.values_list("source__name", "role")) == [("Kyrylo Budanov", "stated")]
    event = ClaimEvent.objects.filter(claim=existing).latest("id")
    assert (event.kind, event.actor, event.changes["intake_proposal"]) == ("edited", alice, item.pk)
    existing.refresh_from_db()
    assert existing.version == event.version == 2


def test_it_refuses_to_add_to_a_published_claim_and_writes_nothing(alice, erin, known_sources, make_claim):
    from tests.api.core_support import publish
    from verification.workflow.claims import PublishedClaimFrozen

    text = (
        "Ukrainian military intelligence chief Kyrylo Budanov said 2,600 North Korean soldiers would be "
        "sent to the Kursk region on Friday."
    )
    existing = make_claim(text=text)
    publish(existing, alice, erin)
    existing.refresh_from_db()
    version = existing.version
    item = proposal(read(alice), "2,600 North Korean soldiers")
    with pytest.raises(PublishedClaimFrozen, match="Reopen the claim first"):
        confirm(alice, item.pk)
    existing.refresh_from_db()
    assert existing.version == version and not existing.attributions.exists()
    item.refresh_from_db()
    assert item.decision == "pending" and item.claim is None


def test_it_adds_the_articles_address_when_linking(adam, known_sources, make_claim, article_server):
    existing = make_claim(text="Regional governor Oleh Kiper said 40 drones were launched at the port on Tuesday.")
    item = proposal(read(adam, text="", url=f"{article_server}/article"), "40 drones")
    assert confirm(adam, item.pk) == existing
    url = f"{article_server}/article"
    assert list(Appearance.objects.filter(claim=existing).values_list("url", "title")) == [
        (url, "Drones hit depot | Example News")
    ]
    assert list(existing.attributions.values_list("source__name", "appeared_url")) == [("Oleh Kiper", url)]


def test_it_can_unlink_and_create_a_new_claim(alice, known_sources, make_claim):
    existing = make_claim(
        text=(
            "Ukrainian military intelligence chief Kyrylo Budanov said 2,600 North Korean "
            "soldiers would be sent to the Kursk region on Friday."
        )
    )
    item = proposal(read(alice), "2,600 North Korean soldiers")
    claim = confirm(alice, item.pk, link_to=None)
    assert claim != existing and Claim.objects.count() == 2


def test_it_refuses_to_confirm_twice(alice, bob, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    confirm(alice, item.pk)
    with pytest.raises(IllegalMove, match="already confirmed by alice"):
        confirm(bob, item.pk)
    assert Claim.objects.count() == 1


def test_it_refuses_someone_without_a_role(alice, carol, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    with pytest.raises(NotAllowed):
        confirm(carol, item.pk)
    assert not Claim.objects.exists()


def test_it_refuses_an_empty_text_or_a_bad_role(alice, known_sources):
    item = proposal(read(alice), "2,600 North Korean soldiers")
    with pytest.raises(ValidationError):
        confirm(alice, item.pk, text="   ")
    with pytest.raises(ValidationError):
        confirm(
            alice, item.pk, choices=[AttributionChoice(name="X", role="shouted", source_id=known_sources["budanov"].pk)]
        )
    assert not Claim.objects.exists()
