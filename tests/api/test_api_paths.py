"""No trailing slashes on /api/v1/ paths, and never a redirect to one; the
OpenAPI schema and the docs are served locally."""

import json
import re

import pytest
from django.test import Client

from tests.api.core_support import key_client, make_key, problem_of, session_client
from verification.models import Claim


@pytest.mark.django_db
def test_it_posts_without_a_slash_and_never_redirects_one(settings, alice, make_source):
    assert settings.APPEND_SLASH  # the middleware is on: the API must still not redirect
    source = make_source()
    client = session_client(alice)
    body = json.dumps({"text": "No slash claim", "attributions": [{"source": source.pk, "role": "stated"}]})
    created = client.post("/api/v1/claims", body, content_type="application/json")
    assert created.status_code == 201 and created["Location"] == f"/api/v1/claims/{created.json()['id']}"

    slashed = client.post("/api/v1/claims/", body, content_type="application/json")
    detail = problem_of(slashed, 404)["detail"]
    assert "try /api/v1/claims" in detail
    assert Claim.objects.filter(text="No slash claim").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_a_slashed_get_with_a_problem_not_a_redirect(settings, debug, make_claim):
    settings.DEBUG = debug
    claim = make_claim()
    client = key_client(make_key("read"))
    for path in (
        "/api/v1/claims/",
        f"/api/v1/claims/{claim.pk}/",
        f"/api/v1/claims/{claim.pk}/status/",
        "/api/v1/sources/",
    ):
        response = client.get(path)
        problem_of(response, 404)
        assert "Location" not in response


@pytest.mark.django_db
def test_it_serves_the_schema_with_every_path_and_snake_case_enums():
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = set(schema["paths"])
    for path in [
        "/api/v1/claims",
        "/api/v1/claims/{id}",
        "/api/v1/claims/{id}/status",
        "/api/v1/status",
        "/api/v1/status/bulk",
        "/api/v1/claims/{id}/claimreview",
        "/api/v1/queue/next",
        "/api/v1/claims/{id}/release",
        "/api/v1/claims/{id}/extend",
        "/api/v1/claims/{id}/assess",
        "/api/v1/claims/{id}/signoff",
        "/api/v1/claims/{id}/return",
        "/api/v1/claims/{id}/reopen",
        "/api/v1/sources",
        "/api/v1/sources/{id}",
        "/api/v1/export/claims.csv",
        "/api/v1/export/claims.json",
    ]:
        assert path in paths, path
    assert not [p for p in paths if p.endswith("/")]
    enums = re.findall(r'"enum": \[([^\]]*)\]', json.dumps(schema))
    values = {v.strip().strip('"') for e in enums for v in e.split(",") if v.strip() not in ("null", "")}
    assert values and all(re.fullmatch(r"[a-z0-9_.]+", v) for v in values), sorted(values)
    assert {"queued", "in_review", "awaiting_signoff", "published", "reopened", "not_checkable"} <= values
    problem = schema["paths"]["/api/v1/claims/{id}"]["patch"]["responses"]["412"]["content"]
    assert "application/problem+json" in problem
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        **schema["components"]["securitySchemes"]["apiKey"],
        "type": "http",
        "scheme": "bearer",
    }


@pytest.mark.django_db
def test_it_serves_swagger_ui_from_local_static_files():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "/static/drf_spectacular_sidecar/" in html
    assert not re.search(r'(src|href)="https?://', html), "docs must not load from a CDN"
