"""One bad address, one message: the new-claim form, the evidence panel, intake and
the API say the same words for each kind of bad address (verification.urlnorm),
and nothing is written."""

from html import unescape

import pytest
from django.test import Client

from verification.api.keys import create_key
from verification.models import Claim, Evidence, IntakeBatch
from verification.urlnorm import BAD_URL, LONG_URL, URL_CHARACTERS

pytestmark = pytest.mark.django_db
KINDS = [
    ("ftp://example.org/report.pdf", str(BAD_URL)),  # once "Give a full http:// or https:// address…" here,
    ("javascript:alert(1)", str(BAD_URL)),  # "Enter a valid URL." there, "URL scheme ftp not allowed" in the API
    ("https://example.org/a report", str(URL_CHARACTERS)),
    ("https://example.org/" + "a" * 2000, str(LONG_URL)),
]


def _page(response) -> str:
    return unescape(response.content.decode())


def _new_claim(client, evidence_url: str):
    body = {
        "text": "A bridge was closed.",
        "priority": "50",
        "language": "en",
        "tags": "",
        "evidence_url": evidence_url,
    }
    return client.post("/desk/claims/new", {**body, "attr-TOTAL_FORMS": "0", "attr-INITIAL_FORMS": "0"})


@pytest.mark.parametrize("bad, message", KINDS)
def test_it_says_the_same_words_on_every_page_and_in_the_api(login, alice, make_claim, bad, message):
    claim = make_claim()
    client = login(alice)

    new_claim = _new_claim(client, bad)
    assert new_claim.status_code == 400 and _page(new_claim).count(message) == 1

    panel = client.post(
        f"/desk/claims/{claim.pk}/evidence/url", {"url": bad, "stance": "context", "kind": "article"}, follow=True
    )
    assert _page(panel).count(f"url: {message}") == 1

    intake = client.post("/desk/intake/", {"url": bad})
    assert intake.status_code == 400 and message in _page(intake)

    _, raw = create_key("review key", "review", user=alice)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/claims/{claim.pk}/evidence", {"url": bad, "kind": "article"}, content_type="application/json"
    )
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    assert api.json()["errors"]["url"] == [message]

    assert Claim.objects.count() == 1 and not Evidence.objects.exists() and not IntakeBatch.objects.exists()


def test_a_bare_host_on_the_desk_still_means_https(login, alice, make_claim):
    claim = make_claim()
    response = login(alice).post(
        f"/desk/claims/{claim.pk}/evidence/url", {"url": "example.org/report", "stance": "context", "kind": "article"}
    )
    assert response.status_code == 302
    assert Evidence.objects.get(claim=claim).url == "https://example.org/report"
