"""Attributed names are matched against source names and aliases (any script)
with a score; below the threshold a new source is proposed, with its kind."""

import pytest

from sources.models import SourceAlias
from verification.intake.matching import SourceMatcher


@pytest.fixture
def sources(make_source):
    budanov = make_source("HUR chief", kind="person")
    SourceAlias.objects.create(source=budanov, name="Кирило Буданов")
    sybiha = make_source("Foreign minister of Ukraine", kind="person")
    SourceAlias.objects.create(source=sybiha, name="Сибіга")
    center = make_source("Center for Strategic Communication and Information Security", kind="government_body")
    mod = make_source("Ministry of Defence of Ukraine", kind="ministry")
    outlet = make_source("The Kyiv Independent", kind="media_outlet")
    merged = make_source("Kyiv Independent (old record)", kind="media_outlet", merged_into=outlet)
    SourceAlias.objects.create(source=merged, name="Киев Индепендент")
    return {"budanov": budanov, "sybiha": sybiha, "center": center, "mod": mod, "outlet": outlet, "merged": merged}


def test_it_matches_a_latin_name_to_a_cyrillic_alias(sources):
    match = SourceMatcher().match("Kyrylo Budanov", "person")
    assert (match.source_id, match.source_name, match.score, match.new_source) == (
        sources["budanov"].pk,
        "HUR chief",
        100,
        False,
    )


def test_it_matches_a_cyrillic_name_to_its_own_transliteration(sources):
    assert SourceMatcher().match("Кирило Буданов", "person").source_id == sources["budanov"].pk


def test_it_matches_a_person_by_a_surname_alias_below_a_full_name(sources, settings):
    match = SourceMatcher().match("Andrii Sybiha", "person")
    assert match.source_id == sources["sybiha"].pk
    assert settings.INTAKE_SOURCE_MATCH_THRESHOLD <= match.score < 100


def test_it_matches_a_longer_official_name_and_a_leading_the(sources):
    matcher = SourceMatcher()
    center = matcher.match("Ukraine's Center for Strategic Communication and Information Security")
    assert center.source_id == sources["center"].pk and center.score == 100
    assert matcher.match("Kyiv Independent").source_id == sources["outlet"].pk


def test_it_proposes_a_new_source_below_the_threshold_with_candidates(sources, settings):
    match = SourceMatcher().match("Ministry of Foreign Affairs of Ukraine", "ministry")
    assert match.source_id is None and match.new_source is True
    assert match.score < settings.INTAKE_SOURCE_MATCH_THRESHOLD
    # Near misses are shown to the reviewer, best first, not chosen.
    assert sources["mod"].pk in [c.id for c in match.candidates]
    assert [c.score for c in match.candidates] == sorted((c.score for c in match.candidates), reverse=True)


def test_it_never_matches_on_one_shared_word(sources):
    match = SourceMatcher().match("ministry")
    assert match.source_id is None
    assert match.new_source is False  # an unnamed source: the reviewer says who it stands for


def test_it_ignores_merged_records(sources):
    match = SourceMatcher().match("Киев Индепендент")
    assert match.source_id != sources["merged"].pk


def test_it_follows_the_threshold_setting(sources, settings):
    settings.INTAKE_SOURCE_MATCH_THRESHOLD = 101
    assert SourceMatcher().match("Kyrylo Budanov", "person").source_id is None


def test_it_reads_names_and_aliases_in_two_queries_for_any_number_of_names(sources, django_assert_num_queries):
    with django_assert_num_queries(2):
        matcher = SourceMatcher()
        found = [matcher.match(name, "person") for name in ["Kyrylo Budanov", "Andrii Sybiha", "Pat Ryder"] * 25]
    assert found[0].source_id == sources["budanov"].pk  # by his Cyrillic alias
    assert found[2].source_id is None  # no record for Pat Ryder: intake proposes a new source
