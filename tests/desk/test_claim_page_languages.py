"""The desk's claim page in Ukrainian and Russian: every word of its templates
is marked for translation, and a reader whose language is Ukrainian or Russian
gets our words in it (the claim's own data stays as it was written)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PARTIALS = "checklist_panel claim_history conflict_notice corrections_panel decision_panel discussion_panel lease_panel"
PARTIALS += " lease_status live_status seen_before_panel suggestion_panel translations_panel evidence_capture"
PARTIALS += " evidence_fields evidence_matches evidence_media_review evidence_metadata evidence_panel evidence_preview"
PARTIALS += " evidence_public_note"
CLAIM_TEMPLATES = ["claim.html", "archived_text.html"] + [f"_{name}.html" for name in PARTIALS.split()]

# (English, Ukrainian, Russian): a heading, a label, a plural, a sentence with a variable, a button, an attribute.
PHRASES = [
    ("Who said it", "Хто це сказав", "Кто это сказал"),
    ("Translations for readers", "Переклади для читачів", "Переводы для читателей"),
    ("Correct a typo in the published text", "Виправити друкарську помилку", "Исправить опечатку"),
    ("English (en)", "Англійська (en)", "Английский (en)"),
    ('aria-label="Jump to"', 'aria-label="Перейти до"', 'aria-label="Перейти к"'),
    ("No evidence yet.", "Доказів ще немає.", "Доказательств пока нет."),
    ("Published on", "Опубліковано", "Опубликовано"),
]
HOLDING = [
    ("You hold this claim", "Твердження у вашій роботі до", "Утверждение у вас в работе до"),
    (
        "independent group states or supports it",
        "1</span> незалежна група стверджує",
        "1</span> независимая группа утверждает",
    ),
    ("1 non-party could not confirm it", "1 джерело, що не є стороною конфлікту", "1 источник, не являющийся стороной"),
    ("Submit for sign-off", "Надіслати на затвердження", "Отправить на утверждение"),
]


@pytest.mark.parametrize("path", CLAIM_TEMPLATES)
def test_every_word_of_the_claim_page_is_marked_for_translation(path):
    text = (ROOT / "templates" / "verification" / path).read_text()
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", text, flags=re.S)
    read_aloud = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', text))
    text = re.sub(r"<[^>]+>", " ", text) + " " + read_aloud
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]", text) if w not in {"SHA-256", "HTTP"}]
    assert not words, f"{path}: mark these for translation: {words}"


def claim_page(client, user, claim, language: str) -> str:
    client.force_login(user)
    with translation.override(language):
        return client.get(f"/desk/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["uk", "ru"])
def test_an_editor_reads_a_published_claim_in_her_language(client, erin, published, language):
    html = claim_page(client, erin, published, language)
    column = 1 if language == "uk" else 2
    assert f'<html lang="{language}">' in html
    for phrase in PHRASES:
        assert phrase[column] in html, phrase
        assert phrase[0] not in html, phrase
    assert "North Korea has sent 11,000 soldiers" in html  # the claim's own words stay as written


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["uk", "ru"])
def test_a_fact_checker_holding_a_claim_reads_the_lease_and_the_form_in_his_language(client, alice, taken, language):
    html = claim_page(client, alice, taken, language)
    column = 1 if language == "uk" else 2
    for phrase in HOLDING:
        assert phrase[column] in html, phrase
        assert phrase[0] not in html, phrase
    # A number in a form control stays a number a browser reads, whatever the page's language.
    assert re.search(r'type="range"[^>]*\svalue="0\.5"', html)
