"""Importing external reviews: created once, then updated or left alone by URL;
a bad record anywhere refuses the whole import and writes nothing; only those
with the right may import. Other organisations' verdicts never become claims."""

import json

import pytest

from sources.errors import NotAllowed
from tests.external.conftest import fixture_bytes
from verification.intake.claimreview_import import parse
from verification.matching import search_form
from verification.models import Claim, ExternalReview, ExternalReviewImport
from verification.workflow.external_reviews import ImportRefused, import_reviews

pytestmark = pytest.mark.django_db


def rows():
    return {row.url: row for row in ExternalReview.objects.all()}


def test_it_imports_a_feed_and_records_the_run(adam):
    result = import_reviews(adam, parse(fixture_bytes("feed.json"), "feed.json"))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    run = ExternalReviewImport.objects.get()
    assert (run.source, run.format, run.status, run.imported_by) == ("feed.json", "datafeed", "imported", adam)
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    plant = rows()["https://www.afp.example/fact-check/power-plant-shut"]
    assert (plant.publisher_name, plant.textual_rating, plant.language) == ("AFP Fact Check", "False", "en-GB")
    assert (plant.import_run, plant.imported_by, plant.imported_at) == (run, adam, run.started_at)
    assert plant.raw["itemReviewed"]["author"]["name"] == "Kremlin press service"
    assert all(row.search_text == search_form(row.claim_reviewed, row.language) for row in ExternalReview.objects.all())
    assert Claim.objects.count() == 0  # other organisations' verdicts are not the desk's claims


def test_it_changes_nothing_when_the_same_file_is_imported_again(adam):
    import_reviews(adam, parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld"))
    before = {url: (row.pk, row.imported_at, row.import_run_id) for url, row in rows().items()}

    again = import_reviews(adam, parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld"))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert {url: (row.pk, row.imported_at, row.import_run_id) for url, row in rows().items()} == before
    assert list(ExternalReviewImport.objects.order_by("id").values_list("status", "created", "unchanged")) == [
        ("imported", 3, 0),
        ("unchanged", 0, 3),
    ]


def test_it_updates_a_review_whose_record_changed_and_keeps_its_search_text_in_step(adam, erin):
    import_reviews(adam, parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld"))
    reviews = json.loads(fixture_bytes("reviews.jsonld"))
    reviews[2]["claimReviewed"] = "The Kakhovka dam was blown up from inside on 6 June."
    reviews[2]["reviewRating"] = {"@type": "Rating", "alternateName": "True"}
    old = rows()["https://checks.example.com/reviews/1187"]

    result = import_reviews(adam, parse(json.dumps(reviews), "reviews-v2.jsonld"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    row = rows()["https://checks.example.com/reviews/1187"]
    assert row.pk == old.pk and row.textual_rating == "True"
    assert row.search_text == search_form("The Kakhovka dam was blown up from inside on 6 June.")
    assert row.import_run == result.run and row.imported_at > old.imported_at
    assert row.raw["reviewRating"] == {"@type": "Rating", "alternateName": "True"}
    assert ExternalReview.objects.count() == 3


def test_it_refuses_a_file_with_a_bad_record_and_writes_nothing(adam):
    import_reviews(adam, parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld"))
    before = list(ExternalReview.objects.order_by("pk").values())
    runs = ExternalReviewImport.objects.count()

    with pytest.raises(ImportRefused) as refused:
        import_reviews(adam, parse(fixture_bytes("bad_feed.json"), "bad_feed.json"))

    assert [(e.where, e.field) for e in refused.value.errors] == [
        ("item 2 (line 13)", "url"),
        ("item 3 (line 22)", "datePublished"),
        ("item 4 (line 28)", ""),
    ]
    assert str(refused.value).startswith("bad_feed.json: 3 bad record(s), so nothing was imported.")
    # The good first item was not written either, and nothing else changed.
    assert list(ExternalReview.objects.order_by("pk").values()) == before
    assert ExternalReviewImport.objects.count() == runs


def test_a_dry_run_counts_and_writes_nothing(adam):
    result = import_reviews(adam, parse(fixture_bytes("feed.json"), "feed.json"), dry_run=True)

    assert (result.created, result.updated, result.unchanged, result.run) == (3, 0, 0, None)
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_it_refuses_a_fact_checker_and_an_editor(alice, erin):
    for person in (alice, erin):
        with pytest.raises(NotAllowed):
            import_reviews(person, parse(fixture_bytes("feed.json"), "feed.json"))
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_save_keeps_search_text_in_step(adam):
    import_reviews(None, parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld"))  # the system: no person
    row = ExternalReview.objects.get(url="https://perevirka.example.ua/budanov-kursk")
    assert row.imported_by is None and "budanov" in row.search_text  # transliterated for the matcher

    row.claim_reviewed = "Zelensky said the bridge was closed."
    row.save(update_fields=["claim_reviewed"])

    row.refresh_from_db()
    assert row.search_text == search_form("Zelensky said the bridge was closed.")


def test_it_drops_nul_characters_which_postgresql_cannot_store(adam):
    text = (
        '{"@type": "ClaimReview", "url": "https://a.example/nul", "claimReviewed": "Zero\\u0000 byte",'
        ' "reviewRating": {"alternateName": "Fa\\u0000lse"}}'
    )
    import_reviews(adam, parse(text, "nul.json"))

    row = ExternalReview.objects.get()
    assert (row.claim_reviewed, row.textual_rating) == ("Zero byte", "False")
    assert row.raw == {
        "@type": "ClaimReview",
        "url": "https://a.example/nul",
        "claimReviewed": "Zero byte",
        "reviewRating": {"alternateName": "False"},
    }
