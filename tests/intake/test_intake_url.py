"""URL intake: the page is fetched SSRF-safely (here from a loopback server, a
test-only allowance) and only its article text is read, never its scripts,
styles, navigation, header or footer."""

import pytest

from tests.intake.intake_support import proposal, read
from verification.intake.articles import decode, html_to_text


def test_it_reads_the_article_behind_a_redirect(alice, article_server):
    batch = read(alice, text="", url=f"{article_server}/moved")
    assert batch.status == "done", batch.error
    assert batch.final_url == f"{article_server}/article"
    assert batch.title == "Drones hit depot | Example News"
    kiper = proposal(batch, "40 drones were launched").attributions[0]
    assert (kiper["name"], kiper["role"], kiper["new_source"]) == ("Oleh Kiper", "stated", True)
    outlet = proposal(batch, "could not independently verify").attributions[0]
    assert (outlet["name"], outlet["role"]) == ("Kyiv Independent", "could_not_confirm")
    assert batch.progress_done == batch.progress_total == batch.proposals.count() == 2


def test_it_keeps_no_text_from_scripts_menus_headers_or_footers(alice, article_server):
    batch = read(alice, text="", url=f"{article_server}/article")
    for noise in ("999", "777", "555", "888", "tracking", "color: red", "Home"):
        assert noise not in batch.text
    assert batch.text.startswith("Drones hit a fuel depot\n\nRegional governor Oleh Kiper said 40 drones")


def test_it_reads_the_body_of_a_page_without_an_article_element():
    title, text = html_to_text(
        "<html><head><title>T</title></head><body><nav>Menu: officials said 1 thing.</nav>"
        "<div><p>The State Emergency Service said 6,500 people were evacuated on Sunday.</p>"
        "<p>Rescuers said the water rose by 2 metres.<br>Roads were closed.</p></div></body></html>"
    )
    assert title == "T"
    assert text == (
        "The State Emergency Service said 6,500 people were evacuated on Sunday.\n\n"
        "Rescuers said the water rose by 2 metres.\nRoads were closed."
    )


def test_it_decodes_the_declared_or_meta_charset():
    body = "Мер заявив".encode("cp1251")
    assert decode(body, "text/html; charset=windows-1251") == "Мер заявив"
    assert decode(b'<meta charset="windows-1251">' + body, "text/html").endswith("Мер заявив")
    assert decode("café".encode(), "text/html; charset=nonsense") == "café"


def test_it_retries_a_page_that_is_briefly_unavailable_then_gives_up(alice, article_server):
    from verification.intake import batches as intake
    from verification.models import IntakeBatch

    batch = intake.submit(alice, url=f"{article_server}/busy")
    with pytest.raises(intake.IntakeRetry):  # the task's autoretry_for sends it again with backoff and jitter
        intake.run_batch(batch.pk, retries_left=intake.FETCH_RETRIES)
    batch.refresh_from_db()
    assert (
        batch.status == "pending" and "503" in batch.error and batch.error.endswith("Trying again within 15 seconds.")
    )
    intake.run_batch(batch.pk, retries_left=0)
    batch = IntakeBatch.objects.get(pk=batch.pk)
    assert batch.status == "failed" and "the server answered 503" in batch.error
    assert not batch.proposals.exists()
