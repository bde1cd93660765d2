"""Importing from a URL goes through the SSRF-safe fetcher: a page or feed on
loopback (standing in for the public web in tests) is read and imported; an
address inside the network is refused before any socket opens."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from verification.intake.claimreview_import import read_url
from verification.models import ExternalReview, ExternalReviewImport
from verification.workflow.external_reviews import ImportRefused, import_reviews

pytestmark = pytest.mark.django_db


def test_it_imports_a_feed_and_a_page_from_their_urls(adam, claimreview_server, no_outside_connections):
    feed_url = claimreview_server.url("/feed.json")
    result = import_reviews(adam, read_url(feed_url))

    assert (result.created, result.format) == (3, "datafeed")
    assert ExternalReviewImport.objects.get().source == feed_url

    page_url = claimreview_server.url("/moved/page.html")  # followed, one checked hop at a time
    result = import_reviews(adam, read_url(page_url))

    assert (result.created, result.format) == (1, "html")
    review = ExternalReview.objects.get(url="https://bridgewatch.example/checks/crimea-bridge")
    assert review.import_run.source == page_url
    assert claimreview_server.seen == ["/feed.json", "/moved/page.html", "/page.html"]
    assert {host for host, *_ in no_outside_connections.attempts} == {"127.0.0.1"}


def test_the_command_imports_from_a_url(claimreview_server, no_outside_connections):
    out = StringIO()
    call_command("import_claimreview", claimreview_server.url("/reviews.jsonld"), stdout=out, stderr=StringIO())

    assert out.getvalue().endswith(": 3 created, 0 updated, 0 unchanged.\n")
    assert ExternalReview.objects.count() == 3


def test_it_reports_a_url_that_cannot_be_read(adam, claimreview_server, no_outside_connections):
    url = claimreview_server.url("/gone.json")
    with pytest.raises(ImportRefused) as refused:
        import_reviews(adam, read_url(url))

    assert [str(e) for e in refused.value.errors] == [f"{url}: could not be read: the server answered 404 Not Found."]
    assert ExternalReview.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/feed.json",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::5]/feed.json",
        "http://feeds.internal.example/feed.json",
    ],
)
def test_it_refuses_an_address_inside_the_network_without_opening_a_socket(
    adam, settings, fake_dns, no_outside_connections, url
):
    settings.ALLOW_LOOPBACK_FETCH = False
    fake_dns["feeds.internal.example"] = [["192.168.10.4"]]

    with pytest.raises(ImportRefused) as refused:
        import_reviews(adam, read_url(url))

    assert [str(e) for e in refused.value.errors] == [f"{url}: could not be read: refused: address not allowed."]
    assert no_outside_connections.attempts == []  # refused before any connect
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_the_command_refuses_loopback_when_loopback_fetching_is_off(
    settings, claimreview_server, no_outside_connections
):
    settings.ALLOW_LOOPBACK_FETCH = False  # production: loopback is inside the network too
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad record"):
        call_command("import_claimreview", claimreview_server.url("/feed.json"), stdout=StringIO(), stderr=err)

    assert "could not be read: refused: address not allowed." in err.getvalue()
    assert claimreview_server.seen == [] and no_outside_connections.attempts == []
