"""The admin's "Import ClaimReview" page: an admin uploads a file or gives a
URL, sees what was imported, or every bad record with nothing written; the
reviews and runs are listed read-only; only those with the right may import."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.external.conftest import fixture_bytes
from verification.models import ExternalReview, ExternalReviewImport

pytestmark = pytest.mark.django_db

IMPORT = "admin:verification_externalreview_import"
LIST = "admin:verification_externalreview_changelist"


def upload(name):
    return SimpleUploadedFile(name, fixture_bytes(name), content_type="application/json")


def test_an_admin_imports_a_file_and_sees_the_reviews_listed(client, adam):
    client.force_login(adam)
    listing = client.get(reverse(LIST))
    assert f'href="{reverse(IMPORT)}"' in listing.content.decode()

    response = client.post(reverse(IMPORT), {"file": upload("feed.json")}, follow=True)

    assert response.redirect_chain == [(reverse(LIST), 302)]
    page = response.content.decode()
    assert "Imported feed.json: 3 new, 0 updated, 0 unchanged." in page
    assert "The Zaporizhzhia power plant was shut down for good in April 2024." in page
    assert ExternalReview.objects.count() == 3
    run = ExternalReviewImport.objects.get()
    assert (run.imported_by, run.source, run.format) == (adam, "feed.json", "datafeed")

    again = client.post(reverse(IMPORT), {"file": upload("feed.json")}, follow=True)
    assert "Imported feed.json: 0 new, 0 updated, 3 unchanged." in again.content.decode()
    assert ExternalReview.objects.count() == 3


def test_it_shows_every_bad_record_and_writes_nothing(client, adam):
    client.force_login(adam)

    response = client.post(reverse(IMPORT), {"file": upload("bad_feed.json")})

    assert response.status_code == 400
    page = response.content.decode()
    assert "3 bad records; nothing was imported." in page
    rows = [(e.where, e.field or "(whole record)") for e in response.context["errors"]]
    assert rows == [
        ("item 2 (line 13)", "url"),
        ("item 3 (line 22)", "datePublished"),
        ("item 4 (line 28)", "(whole record)"),
    ]
    for where, field in rows:
        assert f"<td>{where}</td><td>{field}</td>" in page
    assert "&#x27;last Tuesday&#x27; is not a date" in page
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_it_imports_from_a_url_and_checks_without_writing_on_request(client, adam, claimreview_server):
    client.force_login(adam)
    url = claimreview_server.url("/page.html")

    checked = client.post(reverse(IMPORT), {"url": url, "dry_run": "on"})

    assert checked.status_code == 200
    assert f"Checked {url}, nothing written: 1 new, 0 updated, 0 unchanged." in checked.content.decode()
    assert ExternalReview.objects.count() == 0

    client.post(reverse(IMPORT), {"url": url})
    assert ExternalReview.objects.get().publisher_name == "Bridge Watch"


def test_it_asks_for_exactly_one_of_a_file_and_a_url(client, adam):
    client.force_login(adam)
    for data in ({}, {"file": upload("feed.json"), "url": "https://factcheck.example.org/feed.json"}):
        response = client.post(reverse(IMPORT), data)
        assert response.status_code == 200
        assert "Give either a file or a URL, not both." in response.content.decode()
    assert ExternalReviewImport.objects.count() == 0


def test_a_staff_member_without_the_right_cannot_import(client, adam):
    clerk = User.objects.create_user("clerk", "clerk@example.org", PASSWORD, is_staff=True)
    client.force_login(clerk)

    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(IMPORT), {"file": upload("feed.json")}).status_code == 403
    assert ExternalReview.objects.count() == 0


def test_a_fact_checker_is_sent_to_the_login_page(client, alice):
    client.force_login(alice)
    response = client.post(reverse(IMPORT), {"file": upload("feed.json")})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert ExternalReview.objects.count() == 0


def test_reviews_are_searched_filtered_and_shown_read_only(client, adam):
    client.force_login(adam)
    client.post(reverse(IMPORT), {"file": upload("reviews.jsonld")})
    ukrainian = ExternalReview.objects.get(url="https://perevirka.example.ua/budanov-kursk")

    def listed(query):
        return sorted(r.url for r in client.get(reverse(LIST), query).context["cl"].result_list)

    assert listed({"q": "Perevirka"}) == [ukrainian.url]  # publisher
    assert listed({"q": "Budanov"}) == [ukrainian.url]  # the claim, in Latin letters
    assert listed({"q": "grain"}) == ["https://factcheck.example.org/2024/03/grain-exports"]
    assert listed({"language": "uk"}) == [ukrainian.url]
    assert listed({"textual_rating": "False"}) == ["https://factcheck.example.org/2024/03/grain-exports"]
    assert listed({"publisher_name": "Perevirka"}) == [ukrainian.url]

    detail = client.get(reverse("admin:verification_externalreview_change", args=[ukrainian.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200 and 'name="_save"' not in page  # nothing to save
    assert "Маніпуляція" in page and "&quot;headline&quot;: &quot;Ні, Буданов цього не казав&quot;" in page
    runs = client.get(reverse("admin:verification_externalreviewimport_changelist"))
    assert runs.status_code == 200 and "reviews.jsonld" in runs.content.decode()
    assert client.get(reverse("admin:verification_externalreview_add")).status_code == 403
