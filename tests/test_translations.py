"""The translations the project ships (locale/): every entry of every catalog
translated and none fuzzy, the compiled .mo in step with its .po, and the
public verdict page's words all marked for translation, so a Ukrainian or
Russian reader meets no English but the claim's own data."""

import gettext
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.test import Client

from tests.api.core_support import publish
from verification.workflow import translations
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("uk", "ru")
PUBLIC_TEMPLATES = ("templates/verification/public_claim.html",)


def forms(text) -> tuple:
    """A message's texts: one, or (singular, plural) / every plural form for a counted one."""
    return text if isinstance(text, tuple) else (text,)


def placeholders(text: str) -> set:
    return set(re.findall(r"%\(\w+\)s", text))


def catalog(language: str):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = [m for m in catalog(language) if m.id]
    assert entries
    untranslated = [m.id for m in entries if not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, f"{language}: translate these in locale/{language}/LC_MESSAGES/django.po"
    assert not fuzzy, f"{language}: check these and remove their fuzzy flag"
    for message in entries:  # the same %(name)s placeholders on both sides, in every plural form
        for english in forms(message.id):
            for translated in forms(message.string):
                assert placeholders(english) == placeholders(translated), english


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_po_file(language):
    compiled = BytesIO()
    write_mo(compiled, catalog(language))
    compiled.seek(0)
    shipped = (ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").open("rb")
    with shipped:
        expected, actual = gettext.GNUTranslations(compiled)._catalog, gettext.GNUTranslations(shipped)._catalog
    assert {k: v for k, v in actual.items() if k} == {k: v for k, v in expected.items() if k}, "run make messages"


@pytest.mark.parametrize("path", PUBLIC_TEMPLATES)
def test_every_word_of_the_public_page_is_marked_for_translation(path):
    text = (ROOT / path).read_text()
    text = re.sub(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", " ", text)  # a CSS class, not words
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}|<[^>]+>", " ", text, flags=re.S)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]", text) if w not in {"SHA-256"}]
    assert not words, f"{path}: mark these for translation: {words}"


@pytest.fixture
def published_in_english(alice, erin, make_source):
    source = make_source("Kyrylo Budanov", country="UA")
    claim = create_claim(
        None,
        ClaimInput(text="North Korea sent 11,000 soldiers.", attributions=[AttributionInput(source, "stated")]),
    )
    return publish(claim, alice, erin, verdict="unproven", rationale="Only one party to the war says so.")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reader_in_ukrainian_or_russian_meets_no_english_word_of_ours(language, published_in_english, erin):
    shown = Client().get(f"/claims/{published_in_english.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    html = shown.content.decode()
    assert shown["Content-Language"] == language and f'<html lang="{language}">' in html
    # Our own words, not the claim's data: every English msgid must be gone from the page.
    body = re.sub(r"<script.*?</script>|<head>.*?</head>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    for message in catalog(language):
        english = [p for text in forms(message.id or "") for p in re.sub(r"%\(\w+\)s", "\x00", text).split("\x00")]
        for piece in (p.strip(" .:·()") for p in english):
            if len(piece) > 4 and piece not in {"False"}:
                # whole words only: "Claim" is ours, "Claimdesk" (the brand) is not
                assert not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", body), (
                    f"{piece!r} is still English on the {language} page"
                )
    translated = catalog(language)
    assert translated.get("Unproven (cannot be confirmed)").string in body
    assert translated.get("Why").string in body


@pytest.mark.django_db
def test_the_page_speaks_the_readers_language_while_the_claim_stays_in_its_own(published_in_english, erin):
    html = Client().get(f"/claims/{published_in_english.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Перекладу цієї перевірки мовою «Українська» ще немає: її показано в оригіналі (Англійська)." in html
    assert '<h1 lang="en">“North Korea sent 11,000 soldiers.”</h1>' in html

    translations.translate(
        erin,
        published_in_english.pk,
        language="uk",
        text="Північна Корея відправила 11 000 солдатів.",
        rationale="Це стверджує лише одна сторона війни.",
        expected_version=published_in_english.version,
    )
    html = Client().get(f"/claims/{published_in_english.pk}/?lang=uk").content.decode()
    assert '<h1 lang="uk">“Північна Корея відправила 11 000 солдатів.”</h1>' in html
    assert "Переклад з оригіналу" in html and "Не доведено" in html
    english = Client().get(f"/claims/{published_in_english.pk}/?lang=en").content.decode()
    assert "Unproven (cannot be confirmed)" in english and '<html lang="en">' in english
