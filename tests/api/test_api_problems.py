"""Every error is application/problem+json (RFC 9457), never a stack trace."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.api.core_support import key_client, make_key, problem_of, session_client
from verification.models import Claim


def _post(client, path, body, **extra):
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


@pytest.mark.django_db
def test_it_lists_each_invalid_field_in_errors(alice, make_source):
    source = make_source()
    body = problem_of(
        _post(
            session_client(alice),
            "/api/v1/claims",
            {
                "text": "",
                "priority": 101,
                "attributions": [{"source": source.pk, "role": "shouted"}, {"source": 999999, "role": "stated"}],
            },
        ),
        400,
    )
    assert body["type"] == "urn:claimdesk:problem:validation_error"
    assert set(body["errors"]) == {"text", "priority", "attributions.0.role", "attributions.1.source"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_it_reports_a_rule_broken_inside_an_action_as_a_field_error(alice, make_source):
    source = make_source()
    attribution = {"source": source.pk, "role": "stated"}
    body = problem_of(
        _post(session_client(alice), "/api/v1/claims", {"text": "X", "attributions": [attribution, attribution]}), 400
    )
    assert "attributions" in body["errors"]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_it_answers_malformed_json_and_wrong_media_types():
    client = key_client(make_key("read"))
    body = problem_of(client.post("/api/v1/status/bulk", "{not json", content_type="application/json"), 400)
    assert "JSON" in body["detail"]
    problem_of(client.post("/api/v1/status/bulk", "ids=1", content_type="text/plain"), 415)


@pytest.mark.django_db
def test_it_answers_401_with_a_bearer_challenge_for_missing_and_bad_keys():
    for client in (
        Client(),
        Client(HTTP_AUTHORIZATION="Bearer cd_not-a-key"),
        Client(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg=="),
    ):
        for path in ("/api/v1/claims", "/api/v1/claims/1/status"):
            response = client.get(path)
            problem_of(response, 401)
            assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_it_says_why_a_revoked_or_expired_key_fails():
    revoked = problem_of(key_client(make_key("read", revoked=True)).get("/api/v1/claims"), 401)
    expired = problem_of(key_client(make_key("read", expired=True)).get("/api/v1/claims/1/status"), 401)
    assert "revoked" in revoked["detail"] and "expired" in expired["detail"]


@pytest.mark.django_db
def test_it_answers_404_for_unknown_ids_and_paths(make_claim):
    client = key_client(make_key("read"))
    assert "Claim 999999" in problem_of(client.get("/api/v1/claims/999999"), 404)["detail"]
    problem_of(client.get("/api/v1/claims/999999/status"), 404)
    problem_of(client.get("/api/v1/nothing-here"), 404)
    problem_of(client.get("/api/v2/claims"), 404)  # outside /api/v1/: Django's handler404


@pytest.mark.django_db
def test_it_answers_404_problem_for_claimreview_before_publication(make_claim):
    claim = make_claim()
    body = problem_of(key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/claimreview"), 404)
    assert body["type"].endswith("not_published")


@pytest.mark.django_db
def test_it_answers_405_with_allow(make_claim):
    claim = make_claim()
    client = key_client(make_key("read"))
    response = client.delete(f"/api/v1/claims/{claim.pk}")
    problem_of(response, 405)
    assert "GET" in response["Allow"] and "PATCH" in response["Allow"]
    response = client.post(f"/api/v1/claims/{claim.pk}/status")
    problem_of(response, 405)
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_it_answers_413_for_a_body_over_the_limit_and_too_many_bulk_items(settings):
    client = key_client(make_key("read"))
    body = problem_of(_post(client, "/api/v1/status/bulk", {"ids": list(range(1, 102))}), 413)
    assert "100" in body["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    problem_of(_post(client, "/api/v1/status/bulk", {"urls": ["https://example.org/" + "a" * 1200]}), 413)


@pytest.mark.django_db
def test_it_throttles_per_key_with_retry_after(settings, make_claim):
    cache.clear()  # key ids repeat between tests; their counters must not
    claim = make_claim()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"key": "3/minute", "anon": "2/minute"},
    }
    client, other = key_client(make_key("read")), key_client(make_key("read"))
    statuses = [client.get(f"/api/v1/claims/{claim.pk}/status").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    for path in (f"/api/v1/claims/{claim.pk}/status", "/api/v1/claims"):
        response = client.get(path)
        body = problem_of(response, 429)
        assert 1 <= int(response["Retry-After"]) <= 60 and body["retry_after"] == int(response["Retry-After"])
    assert other.get(f"/api/v1/claims/{claim.pk}/status").status_code == 200  # per key

    # Failed and missing keys count against the address's 'anon' rate.
    guesser = Client(HTTP_AUTHORIZATION="Bearer cd_guess", REMOTE_ADDR="192.0.2.7")
    assert [guesser.get("/api/v1/claims").status_code for _ in range(3)] == [401, 401, 429]
    anonymous = Client(REMOTE_ADDR="192.0.2.8")
    assert [anonymous.get(f"/api/v1/claims/{claim.pk}/status").status_code for _ in range(3)] == [401, 401, 429]


@pytest.mark.django_db
def test_it_hides_an_unexpected_error_behind_a_plain_500(monkeypatch, make_claim, caplog):
    claim = make_claim()

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("verification.api.claims.ClaimDetailSerializer.to_representation", boom)
    monkeypatch.setattr("verification.api.status.status_of", boom)
    client = key_client(make_key("read"))
    for path in (f"/api/v1/claims/{claim.pk}", f"/api/v1/claims/{claim.pk}/status"):
        caplog.clear()
        with override_settings(DEBUG=True):
            response = client.get(path)
        body = problem_of(response, 500)
        assert "secret" not in response.content.decode() and "RuntimeError" not in response.content.decode()
        assert body["type"] == "urn:claimdesk:problem:server_error"
        assert "secret internals" in caplog.text  # logged for us, not shown to them


@pytest.mark.django_db
def test_it_refuses_a_session_write_without_the_csrf_token(alice, make_source):
    source = make_source()
    client = session_client(alice, enforce_csrf_checks=True)
    body = {"text": "CSRF claim", "attributions": [{"source": source.pk, "role": "stated"}]}
    assert "CSRF" in problem_of(_post(client, "/api/v1/claims", body), 403)["detail"]
    assert not Claim.objects.filter(text="CSRF claim").exists()

    client.get("/accounts/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    assert _post(client, "/api/v1/claims", body, HTTP_X_CSRFTOKEN=token).status_code == 201
    assert Claim.objects.filter(text="CSRF claim").count() == 1


@pytest.mark.django_db
def test_it_needs_no_csrf_token_with_a_key(alice, make_source):
    source = make_source()
    client = key_client(make_key("review", alice), enforce_csrf_checks=True)
    response = _post(
        client, "/api/v1/claims", {"text": "Key claim", "attributions": [{"source": source.pk, "role": "stated"}]}
    )
    assert response.status_code == 201
    assert Claim.objects.get(text="Key claim").created_by == alice
