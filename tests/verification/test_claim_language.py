"""A claim entered without a language gets the one its text is in (English,
Ukrainian or Russian by default), on every path that creates claims; one given
by a person is kept as given, and the history says which it was."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.api.core_support import session_client
from verification import language
from verification.models import Claim, ClaimEvent
from verification.workflow.claims import ClaimInput, create_claim

UKRAINIAN = "Пентагон не зміг підтвердити, що в Курській області перебувають північнокорейські солдати."
RUSSIAN = "Пентагон не смог подтвердить, что в Курской области находятся северокорейские солдаты."
ENGLISH = "The Pentagon could not confirm that North Korean soldiers are in the Kursk region."


def _created_event(claim):
    return ClaimEvent.objects.get(claim=claim, kind="created")


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), [(UKRAINIAN, "uk"), (RUSSIAN, "ru"), (ENGLISH, "en")])
def test_it_detects_the_language_of_a_claim_entered_without_one(text, expected):
    claim = create_claim(None, ClaimInput(text=text))

    claim.refresh_from_db()
    assert claim.language == expected
    assert _created_event(claim).changes["language"] == expected
    assert _created_event(claim).changes["language_detected"] is True


@pytest.mark.django_db
def test_it_tells_ukrainian_from_russian_without_the_letters_only_one_of_them_has():
    # No і ї є ґ and no ы э ъ ё: only the words tell them apart.
    ukrainian = create_claim(None, ClaimInput(text="Наша армія тримає оборону під Покровськом."))
    russian = create_claim(None, ClaimInput(text="Наша армия держит оборону под Покровском."))

    assert Claim.objects.get(pk=ukrainian.pk).language == "uk"
    assert Claim.objects.get(pk=russian.pk).language == "ru"


@pytest.mark.django_db
def test_it_keeps_a_language_a_person_chose_even_if_the_text_looks_otherwise():
    claim = create_claim(None, ClaimInput(text=UKRAINIAN, language="ru"))

    assert Claim.objects.get(pk=claim.pk).language == "ru"
    assert _created_event(claim).changes["language_detected"] is False


@pytest.mark.django_db
def test_it_gives_a_text_with_no_letters_the_desks_first_language():
    claim = create_claim(None, ClaimInput(text="11,000 — 12,000?"))

    assert Claim.objects.get(pk=claim.pk).language == "en"


@pytest.mark.django_db
def test_it_detects_the_language_of_a_claim_posted_to_the_api_without_one(alice):
    client = session_client(alice)

    left_out = client.post("/api/v1/claims", json.dumps({"text": RUSSIAN}), content_type="application/json")
    empty = client.post(
        "/api/v1/claims", json.dumps({"text": UKRAINIAN, "language": ""}), content_type="application/json"
    )
    given = client.post(
        "/api/v1/claims", json.dumps({"text": ENGLISH, "language": "uk"}), content_type="application/json"
    )

    assert left_out.status_code == 201 and left_out.json()["language"] == "ru"
    assert empty.status_code == 201 and empty.json()["language"] == "uk"
    assert given.status_code == 201 and given.json()["language"] == "uk"
    assert sorted(Claim.objects.values_list("language", flat=True)) == ["ru", "uk", "uk"]


@pytest.mark.django_db
def test_it_refuses_an_empty_language_when_a_claim_is_patched(erin):
    client = session_client(erin)  # an editor: fact-checkers do not edit claims
    claim = client.post("/api/v1/claims", json.dumps({"text": UKRAINIAN}), content_type="application/json").json()

    response = client.patch(
        f"/api/v1/claims/{claim['id']}",
        json.dumps({"language": ""}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim["id"]}-{claim["version"]}"',
    )

    assert response.status_code == 400 and "language" in response.json()["errors"]
    assert Claim.objects.get(pk=claim["id"]).language == "uk"


def test_it_names_the_setting_when_it_lists_a_language_the_detector_does_not_know():
    language._detector.cache_clear()
    try:
        with override_settings(CLAIM_LANGUAGES=("en", "xx")), pytest.raises(ImproperlyConfigured) as raised:
            language.detect_language(ENGLISH)
        assert "CLAIMDESK_CLAIM_LANGUAGES" in str(raised.value) and "'xx'" in str(raised.value)
    finally:
        language._detector.cache_clear()


@pytest.mark.django_db
def test_it_refuses_what_is_no_language_tag_naming_the_field_and_creates_nothing(alice):
    client = session_client(alice)

    response = client.post(
        "/api/v1/claims", json.dumps({"text": ENGLISH, "language": "English!"}), content_type="application/json"
    )

    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "language tag" in response.json()["errors"]["language"][0]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_an_editor_corrects_a_detected_language_on_the_claim_page_and_the_history_says_so(erin):
    claim = create_claim(None, ClaimInput(text=RUSSIAN))
    client = session_client(erin)
    page = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "Russian (ru)" in page and f'<p class="claim-text-big" lang="ru">{RUSSIAN}</p>' in page

    refused = client.post(
        f"/desk/claims/{claim.pk}/edit",
        {"version": claim.version, "text": RUSSIAN, "language": "русский", "priority": claim.priority},
    )
    assert refused.status_code == 400 and "is not a language tag" in refused.content.decode()
    assert Claim.objects.get(pk=claim.pk).language == "ru"

    saved = client.post(
        f"/desk/claims/{claim.pk}/edit",
        {"version": claim.version, "text": RUSSIAN, "language": "UK", "priority": claim.priority},
    )
    assert saved.status_code == 302
    claim.refresh_from_db()
    assert claim.language == "uk"
    edited = ClaimEvent.objects.get(claim=claim, kind="edited")
    assert (edited.actor, edited.changes["language"]) == (erin, {"from": "ru", "to": "uk"})
    assert "Ukrainian (uk)" in client.get(f"/desk/claims/{claim.pk}/").content.decode()
