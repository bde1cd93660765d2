"""The desk's own words in Ukrainian: the queue and the dashboard rendered for a
Ukrainian reader carry the translations from locale/uk, plural forms included,
and none of the English phrases of the catalog (the claims here are Ukrainian,
so any English left on the page is ours)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from verification.workflow import transitions

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "uk" / "LC_MESSAGES" / "django.po"


# Words the views and forms put in (the filters' choices, the charts, the tab labels) are
# translated with the Python strings; this file checks the templates' own words.
FROM_PYTHON = r"<select.*?</select>|<svg.*?</svg>|<ul class=\"tabs\">.*?</ul>"


def english_left(html: str) -> list[str]:
    """Every English msgid piece (placeholders cut out) still on the page, as whole words."""
    body = re.sub(r"<script.*?</script>|<head>.*?</head>|" + FROM_PYTHON, " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    with CATALOG.open("rb") as handle:
        messages = [m for m in read_po(handle, locale="uk") if m.id]
    left = set()
    for message in messages:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.sub(r"%\(\w+\)s", "\x00", text.replace("%%", "%")).split("\x00"):
                piece = piece.strip(" .:·(),;")
                if len(piece) > 4 and re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", body):
                    left.add(piece)
    return sorted(left)


def in_ukrainian(client, path: str) -> str:
    # Both ways a page can pick its language: the active one and the browser's.
    with translation.override("uk"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_queue_speaks_ukrainian(login, alice, make_claim):
    for text in ("Північна Корея відправила 11 000 солдатів.", "Росія втратила 300 танків.", "Міст зруйновано."):
        make_claim(text, language="uk")
    held = transitions.take_next(alice)
    html = in_ukrainian(login(alice), "/desk/")
    assert '<html lang="uk">' in html and "<h1>Черга</h1>" in html
    assert f"Продовжити роботу з твердженням {held.pk}" in html and "Повернути в чергу" in html
    assert "Показано 2 на сторінці 1 із 2 тверджень." in html  # the "few" plural form
    assert 'placeholder="Слова з твердження"' in html and "Впевненість від (%)" in html
    assert 'data-countdown-left="залишилося {time}"' in html  # desk.js's countdown words
    assert "Гарячі клавіші" in html and "Взяти наступне твердження" in html  # the shortcuts help
    assert "Continue with claim" not in html and "Showing 2" not in html and "Words in the claim" not in html
    assert english_left(html) == []


@pytest.mark.django_db
def test_the_dashboard_speaks_ukrainian(login, alice, erin, frank, make_claim):
    claim = make_claim("Північна Корея відправила 11 000 солдатів.", language="uk")
    make_claim("Росія втратила 300 танків.", language="uk")
    transitions.take_next(alice)
    transitions.assess(alice, claim.pk, verdict="false", confidence=0.8, rationale="Перевірено.")
    transitions.sign_off(frank, claim.pk)
    html = in_ukrainian(login(erin), "/desk/dashboard")
    assert "<h1>Огляд</h1>" in html and "Обсяг роботи за станами" in html
    assert "Опубліковано 1 висновок за 14 днів (з урахуванням виправлень)." in html  # "one", then "many"
    assert "Калібрування рецензентів" in html and "Нічого не прострочено." in html
    assert "verdict published" not in html and "Reviewer calibration" not in html and "Most overdue" not in html
    assert english_left(html) == []
