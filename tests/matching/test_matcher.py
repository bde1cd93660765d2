"""The claim matcher (verification.matching): what it finds, and that its
index follows every way a claim's text is written. Runs on the suite's
database; CI runs it on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm)."""

import pytest
from django.db import connection

from verification.matching import find_matches, search_form
from verification.models import Claim
from verification.workflow.claims import edit_claim

TROOPS = "Kyrylo Budanov said 11,000 North Korean troops are in Russia's Kursk region."
OTHER_FIGURE = "Kyrylo Budanov said 3,000 North Korean troops are in Russia's Kursk region."
UNRELATED = "The city council approved 3 million euros for new bicycle lanes on Monday."


def ids(text, **kwargs):
    return [m.id for m in find_matches(text, **kwargs)]


@pytest.fixture
def claims(make_claim):
    return {
        "troops": make_claim(text=TROOPS),
        "figure": make_claim(text=OTHER_FIGURE),
        "bikes": make_claim(text=UNRELATED),
    }


def test_its_own_text_scores_one_and_comes_first(claims):
    found = find_matches(TROOPS)
    assert found[0].id == claims["troops"].pk and found[0].score == pytest.approx(1.0)
    assert found[0].state == "queued" and found[0].text == TROOPS
    assert claims["bikes"].pk not in [m.id for m in found]


def test_a_figure_decides_between_two_claims_alike_in_words(claims):
    assert ids("North Korea has 3000 troops in Kursk")[0] == claims["figure"].pk
    assert ids("North Korea has 11000 troops in Kursk")[0] == claims["troops"].pk


def test_a_name_in_cyrillic_finds_it_in_latin_and_back(claims, make_claim):
    assert ids("Кирило Буданов: 11 000 північнокорейських військових")[0] == claims["troops"].pk
    cyrillic = make_claim(text="Кирило Буданов заявив про 11 000 північнокорейських військових у Курській області.")
    # Across scripts only names and figures carry: the rest of the words differ.
    assert ids("Budanov: 11,000")[0] == cyrillic.pk


def test_a_misspelt_name_still_finds_it(claims):
    assert ids("Budanof says North Korean troops are in Kursk")[0] in (claims["troops"].pk, claims["figure"].pk)


def test_the_first_words_of_a_claim_find_it_even_cut_off(claims):
    found = find_matches("The city council approved 3 million euros for new bicy")
    assert found[0].id == claims["bikes"].pk and found[0].score > 0.75


def test_nothing_is_found_for_an_unrelated_text(claims):
    assert find_matches("Heavy rain flooded the harbour of Odesa overnight") == []


def test_filters_published_only_and_excluding_a_claim(claims):
    assert ids(TROOPS, published_only=True) == []
    assert claims["troops"].pk not in ids(TROOPS, exclude_claim=claims["troops"].pk)


def test_the_suggest_threshold_is_a_setting(claims, settings):
    query = "North Korean troops in Kursk"
    assert ids(query)  # a partial match at the default
    settings.MATCH_SUGGEST_SCORE = 0.99
    assert ids(query) == []


def test_the_index_follows_an_edit(claims, erin):
    claim = claims["bikes"]
    edit_claim(erin, claim.pk, claim.version, {"text": "Odesa's port reopened to grain ships on Monday."})
    assert Claim.objects.get(pk=claim.pk).search_text == search_form("Odesa's port reopened to grain ships on Monday.")
    assert ids("Odesa port reopened to grain ships")[0] == claim.pk
    assert claim.pk not in ids(UNRELATED)


def test_the_index_follows_bulk_writes_and_deletes(db):
    first, second = Claim.objects.bulk_create([Claim(text=TROOPS), Claim(text=UNRELATED)])
    assert ids(TROOPS)[0] == first.pk
    Claim.objects.filter(pk=second.pk).update(text="Grain ships left Odesa's port on Monday.")
    assert ids("grain ships Odesa")[0] == second.pk
    Claim.objects.filter(pk=first.pk).delete()
    assert first.pk not in ids(TROOPS)


def test_every_claim_holds_its_search_form(claims):
    for pk, text, language, form in Claim.objects.values_list("pk", "text", "language", "search_text"):
        assert form == search_form(text, language), pk


def test_figures_are_written_one_way():
    assert search_form("11,000 troops") == search_form("11 000 troops") == search_form("11000 troops")


def test_a_lookup_asks_the_database_a_bounded_number_of_questions(claims, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        find_matches("Budanof says North Korean troops are in Kursk region with 11000 soldiers")


@pytest.mark.django_db
def test_the_index_is_the_one_for_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes "
                "WHERE tablename = 'verification_claim' AND indexname LIKE 'claim_search%%'"
            )
            assert {row[0] for row in cursor.fetchall()} == {"claim_search_vector_idx", "claim_search_trgm_idx"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'claimdesk_claim_%' AND type = 'table'")
            names = {row[0] for row in cursor.fetchall()}
            assert {"claimdesk_claim_words", "claimdesk_claim_trigrams", "claimdesk_claim_words_vocab"} <= names
