"""Accept-Language in the API: problem details' title and detail, and human
labels, in the caller's language; field names, codes and enum values never
change; every response says Content-Language and varies on Accept-Language."""

import pytest

from tests.api.core_support import key_client, make_key, problem_of, publish

pytestmark = pytest.mark.django_db

# language -> (the validation problem's title, its detail naming the field, DRF's "This field is required.")
VALIDATION = {
    "uk": ("Ваш запит некоректний", "Виправте ці поля й надішліть запит ще раз: text.", "Це поле обов'язкове."),
    "ru": ("Ваш запрос некорректен", "Исправьте эти поля и отправьте запрос ещё раз: text.", "Обязательное поле."),
}


def _said_in(response, language: str) -> None:
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_a_validation_problem_names_the_field_in_the_callers_language(alice, language):
    client = key_client(make_key("review", user=alice), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    response = client.post("/api/v1/claims", {"priority": 10}, content_type="application/json")
    body = problem_of(response, 400)
    title, detail, required = VALIDATION[language]
    assert body["type"] == "urn:claimdesk:problem:validation_error"  # the code never changes
    assert (body["title"], body["detail"]) == (title, detail)
    assert body["errors"] == {"text": [required]}  # the field keeps its name
    _said_in(response, language)


@pytest.mark.parametrize(
    "language, label",
    [("uk", "Не доведено (неможливо підтвердити)"), ("ru", "Не доказано (невозможно подтвердить)")],
)
def test_enum_values_stay_and_labels_follow_the_language(alice, erin, make_claim, language, label):
    claim = publish(make_claim("North Korea sent 11,000 soldiers."), alice, erin, verdict="unproven")
    client = key_client(make_key("read"), HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(f"/api/v1/claims/{claim.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "published" and body["language"] == "en"
    published = body["published_verdict"]
    assert published["verdict"] == "unproven" and published["label"] == label
    _said_in(response, language)


def test_a_refusal_of_the_workflow_is_worded_in_the_callers_language(alice, make_claim):
    claim = make_claim("Drones hit a refinery.")
    client = key_client(make_key("review", user=alice), HTTP_ACCEPT_LANGUAGE="uk")
    response = client.get("/api/v1/claims/999999")
    body = problem_of(response, 404)
    assert body["type"] == "urn:claimdesk:problem:not_found"
    assert (body["title"], body["detail"]) == ("Не знайдено", "Твердження 999999 не існує.")
    _said_in(response, "uk")
    english = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}")
    assert english["Content-Language"] == "en"  # no Accept-Language: the desk's default


def test_an_unknown_path_is_answered_in_it_too():
    response = key_client(make_key("read"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").get("/api/v1/nothing-here/")
    body = problem_of(response, 404)
    assert body["detail"].startswith("По адресу /api/v1/nothing-here/ нет конечной точки API.")
    assert "Пути API не заканчиваются косой чертой: попробуйте /api/v1/nothing-here." in body["detail"]
    _said_in(response, "ru")
