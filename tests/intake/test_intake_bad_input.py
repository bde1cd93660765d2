"""Bad input, through the desk and the API: empty text, a non-article page, a
5 MB paste, mixed languages. Each gets a clear message and nothing is written
(no batch, proposal, claim or source); a URL that turns out bad fails its
batch with the reason and proposes nothing."""

import json

import pytest

from sources.models import Source
from tests.api.core_support import problem_of, session_client
from tests.intake.intake_support import read
from verification.models import Claim, IntakeBatch, Proposal

MENU_PASTE = "Home | News | Sport\nSubscribe\nLog in\n© 2024 Example Media"
UKRAINIAN = (
    "Президент України заявив, що двадцять тисяч людей евакуйовано з прифронтових районів області "
    "протягом минулого тижня. "
) * 10
ENGLISH = (
    "The ministry said 4,000 people were moved to safety on Sunday after the dam was hit. "
    "Officials said the water level rose by 3 metres overnight and 12 villages were flooded. "
)
MIXED = ENGLISH * 3 + "\n\n" + UKRAINIAN[: len(UKRAINIAN) // 4]
SPANISH = (
    "El ministerio dijo que cuatro mil personas fueron trasladadas el domingo después de que la presa "
    "fuera alcanzada, y que doce pueblos quedaron inundados durante la noche. "
)
MIXED_LATIN = ENGLISH * 2 + "\n\n" + SPANISH * 2
FIVE_MB = "The minister said 5 people died in the storm on Sunday. " * (5 * 1024 * 1024 // 56 + 1)


def nothing_written():
    return (IntakeBatch.objects.count(), Proposal.objects.count(), Claim.objects.count(), Source.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def desk_post(user, **data):
    return session_client(user).post("/desk/intake/", data)


def api_post(user, body):
    return session_client(user).post("/api/v1/intake", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "text, message",
    [
        ("   \n ", "The text is empty"),
        (MENU_PASTE, "No article sentences found"),
        (MIXED, "The text mixes languages: about"),
        (MIXED_LATIN, "do not read as English"),
        (UKRAINIAN, "written in Cyrillic script; intake reads English news copy only"),
    ],
)
def test_it_refuses_bad_text_on_the_desk_with_a_message(alice, text, message):
    response = desk_post(alice, text=text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_written()


@pytest.mark.parametrize(
    "text, code", [(MENU_PASTE, "not_an_article"), (MIXED, "mixed_languages"), (UKRAINIAN, "unsupported_language")]
)
def test_it_refuses_bad_text_through_the_api(alice, text, code):
    body = problem_of(api_post(alice, {"text": text}), 400)
    assert body["type"].endswith(code) and body["detail"]
    assert nothing_written()


def test_it_refuses_empty_input_through_the_api(alice):
    body = problem_of(api_post(alice, {"text": "  "}), 400)
    assert body["errors"] == {"text": ["Send the article as text, or its url."]}
    assert nothing_written()


def test_it_refuses_a_5_mb_paste_on_the_desk_before_reading_it(alice):
    response = desk_post(alice, text=FIVE_MB)
    assert response.status_code == 413
    html = response.content.decode()
    assert "The article is about 5.0 MB, far over what intake reads (at most 1.0 MB)" in html
    assert nothing_written()


def test_it_refuses_a_5_mb_paste_through_the_api(alice):
    problem_of(api_post(alice, {"text": FIVE_MB}), 413)
    assert nothing_written()


def test_it_refuses_text_over_the_intake_limit_naming_the_setting(alice, settings):
    settings.INTAKE_MAX_BYTES = 2000
    text = "The minister said 5 people died in the storm on Sunday. " * 50
    assert "over the intake limit of 2 KB (CLAIMDESK_INTAKE_MAX_BYTES)" in desk_post(alice, text=text).content.decode()
    body = problem_of(api_post(alice, {"text": text}), 413)
    assert body["type"].endswith("too_large")
    assert nothing_written()


def test_it_refuses_text_and_url_together(alice):
    assert (
        "not both"
        in problem_of(
            api_post(alice, {"text": "The minister said 5 people died.", "url": "https://example.org/a"}), 400
        )["detail"]
    )
    assert nothing_written()


def test_it_refuses_an_internal_address_at_once(alice, settings, no_outside_connections):
    settings.ALLOW_LOOPBACK_FETCH = False
    for url in ("http://127.0.0.1:9/article", "http://10.1.2.3/article", "http://169.254.169.254/latest"):
        body = problem_of(api_post(alice, {"url": url}), 400)
        assert body["type"].endswith("bad_url") and "refused" in body["detail"]
    assert no_outside_connections.attempts == []
    assert nothing_written()


@pytest.mark.parametrize(
    "path, message",
    [
        ("/menu", "No article sentences found"),
        ("/image", "is image/png, not a web page"),
        ("/gone", "the server answered 404"),
    ],
)
def test_it_fails_a_batch_whose_page_is_not_an_article(alice, article_server, path, message):
    batch = read(alice, text="", url=f"{article_server}{path}")
    assert batch.status == "failed" and message in batch.error
    assert batch.progress_done == 0 and not batch.proposals.exists()
    assert not Claim.objects.exists() and not Source.objects.exists()
    page = session_client(alice).get(f"/desk/intake/{batch.pk}/").content.decode()
    assert "This article could not be read" in page and message in page


def test_it_fails_a_batch_of_many_articles_pasted_at_once(alice, monkeypatch):
    monkeypatch.setattr("verification.intake.batches.MAX_PROPOSALS", 2)
    batch = read(alice, text=" ".join(f"Officials said {n} bridges were closed on Sunday." for n in range(3)))
    assert batch.status == "failed" and "Submit one article at a time" in batch.error
    assert not Proposal.objects.exists() and not Claim.objects.exists()
