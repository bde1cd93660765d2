"""Reading ClaimReview from files, feeds and pages: what each field becomes,
and where each bad record starts. Nothing here touches the database."""

from datetime import UTC, datetime, timedelta, timezone

from tests.external.conftest import fixture_bytes
from verification.intake.claimreview_import import language_tag, parse


def by_url(parsed):
    return {record.fields["url"]: record.fields for record in parsed.records}


def test_it_maps_every_field_of_a_jsonld_list():
    parsed = parse(fixture_bytes("reviews.jsonld"), "reviews.jsonld")

    assert parsed.format == "jsonld" and parsed.errors == []
    reviews = by_url(parsed)
    assert reviews["https://factcheck.example.org/2024/03/grain-exports"] == {
        "claim_reviewed": "Ukraine exported no grain through the Black Sea in 2023.",
        "claimant": "Ivan Petrov",
        "claim_date": datetime(2024, 2, 27, tzinfo=UTC),
        "publisher_name": "Example Fact Check",
        "publisher_site": "factcheck.example.org",
        "url": "https://factcheck.example.org/2024/03/grain-exports",
        "title": "No, Ukraine's Black Sea grain exports did not stop in 2023",
        "review_date": datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        "textual_rating": "False",
        "rating_value": 1.0,
        "rating_best": 5.0,
        "rating_worst": 1.0,
        "language": "en",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
    }
    ukrainian = reviews["https://perevirka.example.ua/budanov-kursk"]
    assert ukrainian["claimant"] == "Telegram channel Rybar"  # a plain string author
    assert ukrainian["claim_date"] == datetime(2024, 11, 2, 18, 0, tzinfo=UTC)  # no offset: UTC
    assert ukrainian["publisher_name"] == "Perevirka"  # publisher when there is no author
    assert ukrainian["publisher_site"] == "perevirka.example.ua"
    assert ukrainian["title"] == "Ні, Буданов цього не казав"  # headline when there is no name
    assert (ukrainian["textual_rating"], ukrainian["rating_value"]) == ("Маніпуляція", 2.0)
    assert ukrainian["language"] == "uk"  # a Language object named in English
    bare = reviews["https://checks.example.com/reviews/1187"]
    assert bare["publisher_site"] == "checks.example.com"  # from the review's own URL
    assert (bare["claim_date"], bare["review_date"], bare["rating_value"], bare["language"]) == (None, None, None, "")


def test_it_reads_a_datafeeds_items_and_keeps_each_record_as_read():
    parsed = parse(fixture_bytes("feed.json"), "feed.json")

    assert parsed.format == "datafeed" and parsed.errors == []
    reviews = by_url(parsed)
    assert list(reviews) == [
        "https://www.afp.example/fact-check/power-plant-shut",
        "https://www.afp.example/fact-check/convoy",
        "https://verificado.example.mx/2024/04/12/vacunas",
    ]
    plant = reviews["https://www.afp.example/fact-check/power-plant-shut"]
    assert (plant["publisher_name"], plant["publisher_site"]) == ("AFP Fact Check", "factcheck.afp.example")
    assert plant["claimant"] == "Kremlin press service"
    assert plant["language"] == "en-GB"
    assert reviews["https://www.afp.example/fact-check/convoy"]["textual_rating"] == "Missing context"
    mexican = reviews["https://verificado.example.mx/2024/04/12/vacunas"]
    assert (mexican["language"], mexican["licence"], mexican["rating_best"]) == ("es-MX", "All rights reserved", 4.0)
    assert parsed.records[0].raw["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://news.example/item/1"}
    ]


def test_it_reads_the_claimreview_in_a_pages_graph_and_skips_other_structured_data():
    parsed = parse(fixture_bytes("page.html"), "page.html")

    assert parsed.format == "html" and parsed.errors == []
    [record] = parsed.records
    assert record.fields["url"] == "https://bridgewatch.example/checks/crimea-bridge"
    assert record.fields["textual_rating"] == "Mostly false"
    assert record.fields["title"] == "The bridge closed for hours, not a week"


def test_it_names_the_feed_item_and_the_line_of_every_bad_record():
    parsed = parse(fixture_bytes("bad_feed.json"), "bad_feed.json")

    assert [str(error) for error in parsed.errors] == [
        "item 2 (line 13): url: missing; the review's address is what identifies it.",
        "item 3 (line 22): datePublished: 'last Tuesday' is not a date; use ISO 8601, "
        "e.g. 2024-03-01 or 2024-03-01T12:00:00Z.",
        "item 4 (line 28): @type is NewsArticle, not ClaimReview",
    ]
    assert [record.fields["url"] for record in parsed.records] == ["https://checks.example.com/reviews/good"]


def test_it_gives_the_line_of_a_bad_record_in_a_plain_list_and_of_broken_json():
    text = (
        '[\n  {"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "One."},\n'
        '  {"@type": "ClaimReview", "url": "https://a.example/2",\n'
        '   "claimReviewed": "Two.", "reviewRating": {"ratingValue": "high"}},\n'
        '  "a stray string"\n]'
    )
    assert [str(error) for error in parse(text, "list.json").errors] == [
        'line 3: reviewRating.ratingValue: "high" is not a number.',
        'line 5: is str "a stray string", not a ClaimReview object',
    ]
    [broken] = parse('[\n {"@type": "ClaimReview",\n  "url": "x" "claimReviewed": "y"}]', "broken.json").errors
    assert str(broken) == "line 3, column 14: not valid JSON: Expecting ',' delimiter."


def test_it_takes_the_same_url_given_twice_once_and_refuses_two_different_reviews_at_one_url():
    same = '{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "One."}'
    parsed = parse(f"[{same},\n{same}]", "twice.json")
    assert (len(parsed.records), parsed.repeated, parsed.errors) == (1, 1, [])

    other = '{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "Another."}'
    [clash] = parse(f"[{same},\n\n{other}]", "clash.json").errors
    assert str(clash) == (
        "line 3: url: is also the url of line 1, which says something else; a review URL names one review."
    )


def test_it_takes_a_pages_own_address_for_a_claimreview_without_url_and_resolves_relative_ones():
    page = (
        '<html><head><script type="application/ld+json">[\n'
        '{"@type": "ClaimReview", "claimReviewed": "Without a url."}]</script>\n'
        '<script type="application/ld+json">\n{"@type": "ClaimReview", "url": "/checks/2", '
        '"claimReviewed": "Relative."}</script></head></html>'
    )
    parsed = parse(page.encode(), "https://checks.example/checks/1", base_url="https://checks.example/checks/1")
    assert [r.fields["url"] for r in parsed.records] == [
        "https://checks.example/checks/1",
        "https://checks.example/checks/2",
    ]
    # A saved page has no address of its own: the same records are bad, on the lines they start.
    assert [str(e) for e in parse(page.encode(), "saved.html").errors] == [
        "line 2: url: missing; the review's address is what identifies it.",
        "line 4: url: '/checks/2' is not an absolute http(s) URL.",
    ]


def test_it_refuses_input_that_holds_no_claimreview_or_is_not_json_or_html():
    assert [str(e) for e in parse(b'{"@type": "NewsArticle"}', "a.json").errors] == [
        "line 1: @type is NewsArticle, not ClaimReview"
    ]
    assert [str(e) for e in parse(b"[]", "empty.json").errors] == [
        "the file: holds no ClaimReview (no object with @type ClaimReview, no DataFeed items)."
    ]
    assert [str(e) for e in parse(b"<html><body>No markup</body></html>", "p.html").errors] == [
        "the page: holds no ClaimReview in its application/ld+json scripts."
    ]
    assert [str(e) for e in parse(b"claimReviewed,url\n", "reviews.csv").errors] == [
        "the file: is neither JSON (it would start with { or [) nor an HTML page (it would start with <)."
    ]
    assert [str(e) for e in parse(b'[{"a": "\xff"}]', "latin1.json").errors] == [
        "the file: is not UTF-8 text; JSON-LD is UTF-8 (save or export it as such)."
    ]


def test_it_writes_languages_as_bcp47_tags():
    assert language_tag("EN") == "en"
    assert language_tag("pt_br") == "pt-BR"
    assert language_tag("zh-hant-tw") == "zh-Hant-TW"
    assert language_tag({"@type": "Language", "name": "French"}) == "fr"
    assert language_tag({"name": "Deutsch", "alternateName": "de-AT"}) == "de-AT"
    assert language_tag("Русский") == "ru"
    assert language_tag(["", "uk"]) == "uk"
    assert language_tag("Klingon") == ""  # unknown: left blank, the record keeps what it said


def test_it_catches_one_url_given_for_two_reviews_in_two_scripts_of_a_page():
    page = (
        '<html><head>\n<script type="application/ld+json">\n'
        '{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "One."}\n</script>\n'
        '<script type="application/ld+json">\n'
        '{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "Two."}\n</script>\n</head></html>'
    )
    assert [str(e) for e in parse(page, "page.html").errors] == [
        "line 6: url: is also the url of line 3, which says something else; a review URL names one review."
    ]


def test_it_reads_a_script_wrapped_in_a_comment_or_cdata_as_old_pages_write_them():
    review = '{"@type": "ClaimReview", "url": "https://a.example/%d", "claimReviewed": "Wrapped."}'
    page = (
        f'<script type="application/ld+json"><!--\n{review % 1}\n--></script>'
        f'<script type="application/ld+json; charset=utf-8">//<![CDATA[\n{review % 2}\n//]]></script>'
    )
    parsed = parse(page, "old.html")
    assert parsed.errors == []
    assert [r.fields["url"] for r in parsed.records] == ["https://a.example/1", "https://a.example/2"]
