"""The matcher reads each text in its own language (docs/matching.md): a claim's
``language`` picks how its Cyrillic words are stemmed, a query is read in the
language given or detected, and a change of language re-analyses the claim.
Runs on the suite's database: SQLite (FTS5) and PostgreSQL (tsvector) in CI."""

import importlib
import json

import pytest
from django.apps import apps

from verification.intake.claimreview_import import parse
from verification.matching import find_matches, search_form
from verification.models import Claim, ClaimEvent, ExternalReview
from verification.workflow.claims import edit_claim
from verification.workflow.external_reviews import import_reviews

# Lavrov said Western sanctions did not affect Russia's economy.
LAVROV = "Лавров заявил, что западные санкции не повлияли на экономику России."
# "By sanctions on the economy of Russia": the claim's words in other cases, which only
# Russian stemming makes the claim's words.
INFLECTED = "санкциями по экономике России"
# Budanov said Western sanctions did not affect Russia's economy (Ukrainian); the same
# words in other cases ("Budanov's statement on the sanctions against Russia's economy");
# and a claim sharing only "Russia" and "economy".
BUDANOV_UK = "Кирило Буданов заявив, що західні санкції не вплинули на економіку Росії."
INFLECTED_UK = "заява Буданова про санкції проти економіки Росії"
GRAIN_UK = "Росія вивезла українське зерно, щоб підтримати свою економіку."
# Shares "economy" with the claim, nothing else of weight.
CHINA = "Экономика Китая выросла на пять процентов, сообщили власти."


def ids(text, **kwargs):
    return [m.id for m in find_matches(text, **kwargs)]


@pytest.fixture
def russian(make_claim):
    return {"lavrov": make_claim(text=LAVROV, language="ru"), "china": make_claim(text=CHINA, language="ru")}


def test_an_inflected_russian_query_finds_the_russian_claim_and_not_another(russian):
    assert ids(INFLECTED, language="ru") == [russian["lavrov"].pk]
    claim_terms = set(Claim.objects.get(pk=russian["lavrov"].pk).search_text.split())
    assert set(search_form(INFLECTED, "ru").split()) - claim_terms == {"po"}  # "по" is not in the claim
    # Read by another language's rules (Ukrainian), the Russian endings stay apart: only
    # "России", in the same case in both, is shared.
    assert set(search_form(INFLECTED, "uk").split()) & set(search_form(LAVROV, "uk").split()) == {"rossyy"}


def test_a_query_language_left_out_is_detected(russian):
    assert ids(INFLECTED)[0] == russian["lavrov"].pk


def test_the_claim_is_stored_stemmed_in_its_language(russian):
    claim = Claim.objects.get(pk=russian["lavrov"].pk)
    assert claim.search_text == search_form(LAVROV, "ru")
    assert {"sankt", "ekonomik", "ross", "lavrov"} <= set(claim.search_text.split())


def test_a_surname_meets_its_other_cases_and_its_latin_spelling():
    assert search_form("Лавров", "ru") == search_form("Лаврова", "ru") == search_form("Лаврову", "ru") == "lavrov"
    assert search_form("Lavrov", "en") == "lavrov"


def test_an_inflected_ukrainian_query_finds_the_ukrainian_claim(make_claim):
    claim = make_claim(text=BUDANOV_UK, language="uk")
    other = make_claim(text=GRAIN_UK, language="uk")
    assert ids(INFLECTED_UK, language="uk") == [claim.pk]
    assert ids(INFLECTED_UK) == [claim.pk]  # detected as Ukrainian
    # Буданова/Буданов and економіки/економіку meet in their dictionary forms (санкції, Росії are alike).
    shared = set(search_form(INFLECTED_UK, "uk").split()) & set(claim.search_text.split())
    assert shared == {"budanov", "sanktsiia", "ekonomika", "rosiia"}
    assert other.pk not in ids(BUDANOV_UK)
    # The name in another case still meets its Latin spelling.
    assert search_form("Буданова", "uk") == search_form("Будановим", "uk") == search_form("Budanov", "en")


def test_english_is_read_as_before_whatever_the_language():
    text = "Illegally crossing the borders of 11,000 villages"
    assert search_form(text, "en") == "illeg cross border 11000 villag"
    assert search_form(text, "ru") == search_form(text, "uk") == search_form(text, "") == search_form(text, "en")


def test_a_language_change_re_analyses_the_claim(make_claim, erin):
    # Given the wrong language, the Russian claim is read by Ukrainian rules, and its other cases barely reach it.
    claim = make_claim(text=LAVROV, language="uk")
    assert claim.search_text == search_form(LAVROV, "uk")
    before = {m.id: m.score for m in find_matches(INFLECTED, language="ru", min_score=0)}.get(claim.pk, 0)
    edit_claim(erin, claim.pk, claim.version, {"language": "ru"})
    claim.refresh_from_db()
    assert claim.language == "ru" and claim.search_text == search_form(LAVROV, "ru")
    found = find_matches(INFLECTED, language="ru")
    assert found[0].id == claim.pk and found[0].score > before + 0.1
    event = ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.EDITED).get()
    assert event.changes == {"language": {"from": "uk", "to": "ru"}}


def test_bulk_writes_analyse_in_the_row_language(db):
    first, second = Claim.objects.bulk_create([Claim(text=LAVROV, language="ru"), Claim(text=LAVROV, language="uk")])
    assert Claim.objects.get(pk=first.pk).search_text == search_form(LAVROV, "ru")
    assert Claim.objects.get(pk=second.pk).search_text == search_form(LAVROV, "uk") != search_form(LAVROV, "ru")
    Claim.objects.filter(pk=second.pk).update(language="ru")
    Claim.objects.filter(pk=first.pk).update(text=CHINA)
    assert Claim.objects.get(pk=second.pk).search_text == search_form(LAVROV, "ru")
    assert Claim.objects.get(pk=first.pk).search_text == search_form(CHINA, "ru")


def test_the_migration_re_analyses_rows_written_the_old_way(russian):
    claim = russian["lavrov"]
    old_form = "lavrov zaiavyl chto zapadnye sanktsii"  # what the English-only analysis wrote
    Claim.objects.filter(pk=claim.pk).update(search_text=old_form)
    assert ids(INFLECTED, language="ru") == []
    migration = importlib.import_module("verification.migrations.0027_search_text_by_language")
    migration.reanalyse_search_text(apps, None)
    assert Claim.objects.get(pk=claim.pk).search_text == search_form(LAVROV, "ru")
    assert ids(INFLECTED, language="ru") == [claim.pk]


def test_an_external_review_is_read_in_its_language(adam):
    record = {
        "@type": "ClaimReview",
        "url": "https://provereno.example/lavrov-sanctions",
        "claimReviewed": LAVROV,
        "inLanguage": "ru",
        "reviewRating": {"@type": "Rating", "alternateName": "Ложь"},
    }
    import_reviews(adam, parse(json.dumps(record), "lavrov.json"))
    review = ExternalReview.objects.get()
    assert review.language == "ru" and review.search_text == search_form(LAVROV, "ru")
    found = find_matches(INFLECTED, language="ru", include_external=True)
    assert [(m.kind, m.id, m.verdict) for m in found] == [("external", review.pk, "Ложь")]


def test_a_russian_lookup_asks_the_database_a_bounded_number_of_questions(russian, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        find_matches(INFLECTED, language="ru")
