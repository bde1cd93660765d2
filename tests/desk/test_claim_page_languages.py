"""The desk's claim page in Ukrainian and Russian: every word of its templates
is marked for translation, and a reader whose language is Ukrainian or Russian
gets our words in it (the claim's own data stays as it was written)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.desk.test_desk_pages_in_ukrainian import english_left
from verification.workflow import transitions

ROOT = Path(__file__).resolve().parents[2]
PARTIALS = "checklist_panel claim_history conflict_notice corrections_panel decision_panel discussion_panel lease_panel"
PARTIALS += " lease_status live_status seen_before_panel suggestion_panel translations_panel evidence_capture"
PARTIALS += " evidence_fields evidence_matches evidence_media_review evidence_metadata evidence_panel evidence_preview"
PARTIALS += " evidence_public_note evidence_keyframes"
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


# What views, forms and models hand the page (form fields, choices, the attribution diagram, the history's
# event kinds, the state, the suggestion's sentences) is translated with the Python strings; not checked here.
FROM_PYTHON = "|".join(
    (
        r"<svg.*?</svg>",
        r"<select.*?</select>",
        r'<div class="field">.*?</div>',
        r'<span class="helptext".*?</span>',
        r'<ol class="timeline">.*?</ol>',
        r'<span id="claim-state".*?</span>',
        r'<ul class="suggestion-reasons.*?</ul>',
        r'<p class="(?:suggested-probability|small suggestion-band|small grade-rule)">.*?</p>',
    )
)


@pytest.mark.django_db
def test_no_english_phrase_of_ours_is_left_on_a_ukrainian_claim_from_taking_to_publishing(
    client, alice, erin, make_claim
):
    claim = make_claim("Північна Корея відправила 11 000 солдатів.", language="uk")  # no English data
    transitions.take_next(alice)
    pages = [claim_page(client, alice, claim, "uk")]
    transitions.assess(alice, claim.pk, verdict="false", confidence=0.8, rationale="Перевірено.")
    pages.append(claim_page(client, erin, claim, "uk"))
    transitions.sign_off(erin, claim.pk)
    pages.append(claim_page(client, erin, claim, "uk"))
    for html in pages:
        assert english_left(re.sub(FROM_PYTHON, " ", html, flags=re.S)) == []
    assert "Твердження у вашій роботі до" in pages[0] and "Оцінка чекає на затвердження" in pages[1]
    assert "Переклади для читачів" in pages[2] and "Читачі бачать висновок лише мовою: Українська (uk)." in pages[2]
