"""Corroboration counts independent groups built from the source graph in the
database: two outlets relaying one ministry count once."""

import pytest

from sources.graph import load_graph
from sources.models import Conflict, ConflictParty, SourceRelation
from verification.credibility.suggestions import suggest_for_claim
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(make_source):
    war = Conflict.objects.create(name="Russia–Ukraine war")
    ministry = make_source("Ministry of Defence of Russia", kind="ministry", country="RU", reliability="D")
    ConflictParty.objects.create(source=ministry, conflict=war, side="Russia")
    tass = make_source("TASS", kind="media_outlet", country="RU", reliability="D")
    ria = make_source("RIA Novosti", kind="media_outlet", country="RU", reliability="D")
    for outlet in (tass, ria):
        SourceRelation.objects.create(from_source=outlet, to_source=ministry, kind=SourceRelation.Kind.RELAYS)
    reuters = make_source("Reuters", kind="media_outlet", reliability="B")
    return {"ministry": ministry, "tass": tass, "ria": ria, "reuters": reuters}


def _claim(*sources):
    return create_claim(
        None,
        ClaimInput(
            text="Ukrainian forces withdrew from the village.",
            attributions=[AttributionInput(source=s, role="stated") for s in sources],
        ),
    )


def test_it_counts_two_relays_of_one_ministry_once(graph):
    suggestion = suggest_for_claim(_claim(graph["tass"], graph["ria"]))

    assert suggestion.independent_groups == 1
    [group] = suggestion.groups
    assert group.origin == "Ministry of Defence of Russia"
    assert group.members == ["TASS", "RIA Novosti"]
    assert group.party == "Russia–Ukraine war, Russia"
    assert suggestion.parties_one_side
    assert suggestion.grade >= 3  # a party's word, however often repeated, is at best possibly true


def test_it_counts_an_independent_outlet_as_a_second_group(graph):
    suggestion = suggest_for_claim(_claim(graph["tass"], graph["ria"], graph["reuters"]))

    assert suggestion.independent_groups == 2
    assert [g.origin for g in suggestion.groups] == ["Ministry of Defence of Russia", "Reuters"]
    assert suggestion.corroboration.non_party_supporting == 1
    assert not suggestion.parties_one_side


def test_it_inherits_a_party_side_through_parent_and_speaks_for(make_source):
    war = Conflict.objects.create(name="Russia–Ukraine war")
    ministry = make_source("Ministry of Defence of Ukraine", kind="ministry")
    ConflictParty.objects.create(source=ministry, conflict=war, side="Ukraine")
    hur = make_source("HUR", parent=ministry)
    spokesman = make_source("Andrii Yusov", kind="person")
    SourceRelation.objects.create(from_source=spokesman, to_source=hur, kind=SourceRelation.Kind.SPEAKS_FOR)

    graph = load_graph([spokesman.pk]).graph

    assert graph.origin_path(spokesman.pk) == [spokesman.pk, hur.pk, ministry.pk]
    assert graph.conflict_sides(graph.origin_path(spokesman.pk)) == {"Russia–Ukraine war": "Ukraine"}


def test_it_loads_the_graph_in_one_query_per_level(make_source, django_assert_num_queries):
    top = make_source("Government")
    ministry = make_source("Ministry", parent=top)
    directorate = make_source("Directorate", parent=ministry)
    people = [make_source(f"Officer {i}", parent=directorate) for i in range(20)]
    for person in people[:10]:
        SourceRelation.objects.create(from_source=person, to_source=directorate, kind=SourceRelation.Kind.SPEAKS_FOR)

    with django_assert_num_queries(4):  # officers, directorate, ministry, government
        data = load_graph([p.pk for p in people])

    assert len(data.graph.nodes) == 23
    assert data.graph.root(people[0].pk) == top.pk


def test_it_folds_a_merged_record_into_the_live_one(make_source):
    live = make_source("Ministry of Defence of Ukraine")
    duplicate = make_source("MoD Ukraine", merged_into=live)

    graph = load_graph([duplicate.pk]).graph

    assert graph.root(duplicate.pk) == live.pk
