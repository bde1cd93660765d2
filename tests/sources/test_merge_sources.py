import pytest
from django.core.exceptions import ValidationError

from sources.actions import grade_source
from sources.models import Conflict, ConflictParty, Source, SourceAlias, SourceRelation
from verification.models import Attribution, Evidence
from verification.workflow.source_merge import merge_sources
from verification.workflow.transitions import NotAllowed


@pytest.fixture
def duplicates(adam, make_source, make_claim):
    """Two records of Budanov, each with some of the story attached."""
    hur = make_source(name="HUR", kind="military_intelligence", country="UA")
    keep = make_source(name="Kyrylo Budanov", country="UA", parent=hur)
    dup = make_source(name="Budanov, K.", country="UA", parent=hur)
    SourceAlias.objects.create(source=dup, name="Буданов")
    SourceAlias.objects.create(source=keep, name="Кирило Буданов")
    SourceAlias.objects.create(source=dup, name="Kyrylo Budanov")  # same spelling as the kept name: dropped
    grade_source(adam, dup.pk, "C", "Party to the war.")
    war = Conflict.objects.create(name="Russia–Ukraine war")
    ConflictParty.objects.create(source=dup, conflict=war, side="Ukraine")
    SourceRelation.objects.create(from_source=dup, to_source=hur, kind="speaks_for")
    SourceRelation.objects.create(from_source=keep, to_source=hur, kind="speaks_for")
    aide = make_source(name="Aide", parent=dup)
    newsroom = make_source(name="News Desk", kind="media_outlet")
    both = make_claim("2,600 troops to Kursk.", sources=[(keep, "stated")])
    only_dup = make_claim("11,000 troops by 1 November.", sources=[(dup, "stated"), (newsroom, "relayed")])
    twin = Attribution.objects.create(claim=both, source=dup, role="stated", quote="2,600")
    relay = Attribution.objects.create(claim=both, source=newsroom, role="relayed", relays=twin)
    Evidence.objects.create(claim=only_dup, kind="video", title="Camp video", notes="no file", provided_by=dup)
    return {"keep": keep, "dup": dup, "hur": hur, "aide": aide, "both": both, "only_dup": only_dup, "relay": relay}


@pytest.mark.django_db
def test_it_moves_everything_to_the_kept_record(adam, duplicates):
    keep, dup = duplicates["keep"], duplicates["dup"]
    kept, counts = merge_sources(adam, keep.pk, [dup.pk], note="Same person.")
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert kept.pk == keep.pk and dup.merged_into_id == keep.pk
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["Budanov, K.", "Буданов", "Кирило Буданов"]
    # one 'stated' per claim: the duplicate row was folded in, filling the blank quote
    stated = Attribution.objects.filter(claim=duplicates["both"], role="stated")
    assert [(a.source_id, a.quote) for a in stated] == [(keep.pk, "2,600")]
    duplicates["relay"].refresh_from_db()
    assert duplicates["relay"].relays == stated.get()
    assert Attribution.objects.get(claim=duplicates["only_dup"], role="stated").source == keep
    assert not Attribution.objects.filter(source=dup).exists()
    assert keep.reliability == "C" and keep.grades.count() == 1
    assert Evidence.objects.get().provided_by == keep
    assert Source.objects.get(pk=duplicates["aide"].pk).parent == keep
    assert list(keep.conflict_parties.values_list("side", flat=True)) == ["Ukraine"]
    assert SourceRelation.objects.filter(to_source=duplicates["hur"]).count() == 1
    assert counts["attributions"] == 2 and counts["grades"] == 1 and counts["children"] == 1
    kept_event, dup_event = keep.events.get(kind="merged"), dup.events.get(kind="merged")
    assert kept_event.data["merged"] == [dup.pk] and kept_event.data["counts"] == counts
    assert dup_event.data["into"] == keep.pk and kept_event.actor == adam and kept_event.note == "Same person."


@pytest.mark.django_db
def test_it_refuses_an_editor(erin, duplicates):
    with pytest.raises(NotAllowed):
        merge_sources(erin, duplicates["keep"].pk, [duplicates["dup"].pk])
    assert Source.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.django_db
def test_it_refuses_records_already_merged(adam, duplicates):
    merge_sources(adam, duplicates["keep"].pk, [duplicates["dup"].pk])
    with pytest.raises(ValidationError, match="Already merged"):
        merge_sources(adam, duplicates["hur"].pk, [duplicates["dup"].pk])


@pytest.mark.django_db
def test_it_lifts_the_kept_record_out_from_under_a_merged_parent(adam, make_source):
    ministry = make_source(name="Ministry", kind="ministry")
    old = make_source(name="HUR old", kind="military_intelligence", parent=ministry)
    new = make_source(name="HUR", kind="military_intelligence", parent=old)
    merge_sources(adam, new.pk, [old.pk])
    new.refresh_from_db()
    assert new.parent == ministry
