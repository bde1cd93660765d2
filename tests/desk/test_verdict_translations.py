"""Translations of a published verdict for readers (issue 21, item 3): an
editor adds one on the claim page; the public page shows the reader's language
when a current translation exists, says when it shows the original instead,
and emits one ClaimReview per language."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from verification.models import ClaimEvent, VerdictTranslation
from verification.workflow import transitions, translations
from verification.workflow.errors import NotAllowed, NotPublished, StaleVersion

UK_TEXT = "Північна Корея відправила 11 000 солдатів до Курської області Росії."
UK_RATIONALE = "Цифру називає лише одна сторона війни; Пентагон не може її підтвердити."


def _claimreviews(html: str) -> list[dict]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    return data if isinstance(data, list) else [data]


def _translate(editor, claim, **changes):
    claim.refresh_from_db()
    values = {"language": "uk", "text": UK_TEXT, "rationale": UK_RATIONALE, **changes}
    return translations.translate(editor, claim.pk, expected_version=claim.version, **values)


@pytest.mark.django_db
def test_an_editor_adds_a_translation_on_the_claim_page_and_the_history_says_who(login, erin, published):
    client = login(erin)
    page = client.get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Translations for readers" in page and "Readers see the verdict in English (en) only." in page

    response = client.post(
        f"/desk/claims/{published.pk}/translate",
        {"version": published.version, "language": "UK", "text": UK_TEXT, "rationale": UK_RATIONALE},
    )

    assert response.status_code == 302
    translation = VerdictTranslation.objects.get(claim=published)
    assert (translation.language, translation.text, translation.translated_by) == ("uk", UK_TEXT, erin)
    event = ClaimEvent.objects.get(claim=published, kind="translated")
    assert (event.actor, event.changes["language"], event.changes["replaced"]) == (erin, "uk", False)
    page = client.get(f"/desk/claims/{published.pk}/").content.decode()
    assert "Ukrainian (uk)" in page and UK_TEXT in page and "out of date" not in page


@pytest.mark.django_db
def test_it_refuses_bad_translations_naming_the_field_and_writes_nothing(login, erin, alice, published):
    client = login(erin)
    response = client.post(
        f"/desk/claims/{published.pk}/translate",
        {"version": published.version, "language": "en", "text": "Same language.", "rationale": "No."},
    )
    assert response.status_code == 400 and "The claim is already in “en”" in response.content.decode()

    with pytest.raises(ValidationError) as refused:
        _translate(erin, published, language="Ukrainian", rationale=" ")
    assert set(refused.value.message_dict) == {"language", "rationale"}
    with pytest.raises(NotAllowed):
        _translate(alice, published)  # fact-checkers assess; editors publish and translate
    with pytest.raises(StaleVersion):
        translations.translate(
            erin, published.pk, language="uk", text=UK_TEXT, rationale=UK_RATIONALE, expected_version=1
        )
    assert not VerdictTranslation.objects.exists()
    assert not ClaimEvent.objects.filter(kind="translated").exists()


@pytest.mark.django_db
def test_nothing_is_translated_before_a_verdict_is_published(erin, taken):
    with pytest.raises(NotPublished):
        _translate(erin, taken)
    assert not VerdictTranslation.objects.exists()


@pytest.mark.django_db
def test_the_public_page_shows_the_readers_language_and_one_claimreview_per_language(erin, published):
    _translate(erin, published)
    reader = Client()

    ukrainian = reader.get(f"/claims/{published.pk}/", HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9,en;q=0.5")
    html = ukrainian.content.decode()
    assert f'<h1 lang="uk">“{UK_TEXT}”</h1>' in html
    assert f'<p lang="uk">{UK_RATIONALE}</p>' in html
    # The page's own words follow the reader too (locale/uk): "Translated from English by …".
    assert "Переклад з оригіналу (Англійська)" in html and "Accept-Language" in ukrainian["Vary"]

    english = reader.get(f"/claims/{published.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    assert '<h1 lang="en">“North Korea has sent 11,000 soldiers' in english
    assert 'href="?lang=uk" hreflang="uk"' in english

    # Asked for a language with no translation: the original, and the page says so.
    russian = reader.get(f"/claims/{published.pk}/?lang=ru").content.decode()
    assert '<h1 lang="en">' in russian
    assert "Перевода этой проверки на язык «Русский» пока нет: она показана в оригинале (Английский)." in russian

    reviews = _claimreviews(html)
    assert [(r["inLanguage"], r["claimReviewed"]) for r in reviews] == [
        ("en", published.public_text),
        ("uk", UK_TEXT),
    ]
    assert reviews[1]["url"].endswith(f"/claims/{published.pk}/?lang=uk")
    # The same rating; its name in each review's language.
    assert reviews[0]["reviewRating"] == {**reviews[1]["reviewRating"], "alternateName": "Unproven"}
    assert reviews[1]["reviewRating"]["alternateName"] == "Не доведено"


@pytest.mark.django_db
def test_a_new_verdict_puts_the_translation_out_of_date_until_an_editor_updates_it(
    login, alice, erin, frank, published
):
    _translate(erin, published)
    published.refresh_from_db()
    transitions.reopen(frank, published.pk, reason="New footage.", expected_version=published.version)
    transitions.reassign(frank, published.pk, alice)
    transitions.assess(alice, published.pk, verdict="false", confidence=0.8, rationale="The footage is from 2019.")
    transitions.sign_off(frank, published.pk)

    html = Client().get(f"/claims/{published.pk}/?lang=uk").content.decode()
    assert "Перекладу цієї перевірки мовою «Українська» ще немає" in html and "The footage is from 2019." in html
    assert [r["inLanguage"] for r in _claimreviews(html)] == ["en"]
    assert "out of date: readers see the original" in login(erin).get(f"/desk/claims/{published.pk}/").content.decode()

    _translate(erin, published, rationale="Відео знято 2019 року.")
    html = Client().get(f"/claims/{published.pk}/?lang=uk").content.decode()
    assert "Відео знято 2019 року." in html
    assert ClaimEvent.objects.filter(claim=published, kind="translated").count() == 2
    assert ClaimEvent.objects.filter(kind="translated").last().changes["replaced"] is True
