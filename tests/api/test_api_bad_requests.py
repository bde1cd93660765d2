"""Bad requests an adversarial client sends answer a 400-class problem that
says what is wrong, never a 500, a redirect, an HTML page or a silent drop."""

import base64
import json
import logging

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver

from sources.models import Source
from tests.api.core_support import key_client, make_key, problem_of, publish
from verification.models import Claim, ClaimEvent, Evidence, IntakeBatch, WebhookEndpoint

DEEP = "[" * 10 * 1024


def _json(client, method, path, body, **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return getattr(client, method)(path, raw, content_type="application/json", **extra)


def _etag(claim) -> str:
    return f'"{claim.pk}-{claim.version}"'


# --- 1. Nesting depth, checked before parsing ----------------------------------


@pytest.mark.django_db
def test_it_refuses_deeply_nested_json_on_every_json_endpoint(erin, make_claim, caplog):
    claim = make_claim()
    reader = key_client(make_key("read"))
    editor = key_client(make_key("review", erin))
    caplog.set_level(logging.DEBUG)
    answers = [
        _json(reader, "post", "/api/v1/status/bulk", DEEP),
        _json(editor, "post", "/api/v1/claims", DEEP),
        _json(editor, "patch", f"/api/v1/claims/{claim.pk}", DEEP, HTTP_IF_MATCH=_etag(claim)),
        _json(editor, "post", f"/api/v1/claims/{claim.pk}/evidence", DEEP),
        _json(editor, "post", "/api/v1/intake", '{"text": ' + DEEP),
    ]
    for response in answers:
        body = problem_of(response, 400)
        assert body["type"] == "urn:claimdesk:problem:too_deeply_nested"
        assert body["errors"] == {"body": ["JSON nests deeper than 32 levels; flatten the body."]}
    assert "RecursionError" not in caplog.text
    assert Claim.objects.count() == 1 and not Evidence.objects.exists() and not IntakeBatch.objects.exists()
    claim.refresh_from_db()
    assert claim.version == 1


@pytest.mark.django_db
def test_it_counts_only_brackets_outside_strings_and_allows_the_configured_depth(settings):
    reader = key_client(make_key("read"))
    in_strings = _json(reader, "post", "/api/v1/status/bulk", {"urls": ["https://example.org/" + "[{" * 200 + '\\"[']})
    assert in_strings.status_code == 200, in_strings.content
    assert json.loads(in_strings.content)["urls"][0]["results"] == []

    settings.API_MAX_JSON_DEPTH = 3
    assert _json(reader, "post", "/api/v1/status/bulk", {"ids": [1]}).status_code == 200  # depth 2
    deeper = problem_of(_json(reader, "post", "/api/v1/status/bulk", {"ids": [[[1]]]}), 400)  # depth 4
    assert deeper["errors"] == {"body": ["JSON nests deeper than 3 levels; flatten the body."]}


# --- 2. Malformed JSON, invalid UTF-8, too many fields -------------------------


@pytest.mark.django_db
def test_it_names_what_is_wrong_with_a_body_it_cannot_read():
    reader = key_client(make_key("read"))
    body = problem_of(_json(reader, "post", "/api/v1/status/bulk", '{"ids": }'), 400)
    assert body["type"] == "urn:claimdesk:problem:malformed_body"
    assert body["errors"] == {"body": ["Not valid JSON: Expecting value at line 1 column 9."]}

    body = problem_of(_json(reader, "post", "/api/v1/status/bulk", b'{"urls": ["https://example.org/\xff"]}'), 400)
    assert body["type"] == "urn:claimdesk:problem:malformed_body"
    assert body["errors"] == {"body": ["Not valid UTF-8: byte 0xff at position 31."]}

    body = problem_of(_json(reader, "post", "/api/v1/status/bulk", '{"ids": [NaN]}'), 400)
    assert body["errors"]["body"][0].startswith("Not valid JSON:")


@pytest.mark.django_db
def test_it_refuses_too_many_fields_in_a_form_body_or_a_query(settings, alice):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = key_client(make_key("review", alice))
    form = "&".join(f"f{i}=1" for i in range(6))
    body = problem_of(client.post("/api/v1/claims", form, content_type="application/x-www-form-urlencoded"), 400)
    assert body["type"] == "urn:claimdesk:problem:too_many_fields"
    assert body["errors"] == {"body": ["More than 5 fields; send at most 5, or send JSON."]}
    multipart = client.post("/api/v1/claims", {f"f{i}": "1" for i in range(6)})
    assert problem_of(multipart, 400)["errors"] == {"body": ["More than 5 fields; send at most 5, or send JSON."]}
    query = problem_of(client.get("/api/v1/claims?" + form), 400)
    assert query["errors"] == {"query": ["More than 5 fields; send at most 5, or send JSON."]}
    assert not Claim.objects.exists()


# --- 3. An unknown Host ---------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_a_problem_to_an_unknown_host_on_api_paths_and_a_page_elsewhere(settings):
    reader = key_client(make_key("read"), HTTP_HOST="evil.example")
    for debug in (False, True):
        with override_settings(DEBUG=debug):
            body = problem_of(reader.get("/api/v1/claims"), 400)
            assert body["type"] == "urn:claimdesk:problem:host_not_allowed"
            assert "evil.example" not in body["detail"]
            problem_of(reader.post("/api/v1/status/bulk", "{}", content_type="application/json"), 400)
    page = Client(HTTP_HOST="evil.example").get("/")
    assert page.status_code == 400 and not page["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_it_answers_a_problem_from_the_400_handler_on_api_paths(settings):
    """The backstop for a SuspiciousOperation raised outside a view: without
    the API middleware, an unknown host reaches Django's handler400."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "verification.api.middleware.ApiEdgeMiddleware"]
    body = problem_of(key_client(make_key("read"), HTTP_HOST="evil.example").get("/api/v1/claims"), 400)
    assert body["type"] == "urn:claimdesk:problem:host_not_allowed"

    handler = get_resolver().resolve_error_handler(400)
    api = handler(RequestFactory().get("/api/v1/claims"), SuspiciousOperation("odd"))
    assert problem_of(api, 400)["instance"] == "/api/v1/claims"
    page = handler(RequestFactory().get("/claims"), SuspiciousOperation("odd"))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


# --- 4. An over-long URL ---------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_414_for_an_over_long_url(settings):
    reader = key_client(make_key("read"))
    near = "/api/v1/claims?q=" + "a" * (4000 - len("/api/v1/claims?q="))
    assert reader.get(near).status_code == 200
    body = problem_of(reader.get(near + "a"), 414)
    assert body["type"] == "urn:claimdesk:problem:uri_too_long"
    assert "4000" in body["detail"]
    problem_of(reader.get("/api/v1/claims/" + "9" * 5000), 414)
    page = Client().get("/" + "a" * 5000)
    assert page.status_code == 414 and not page["Content-Type"].startswith("application/problem+json")

    settings.MAX_URL_CHARS = 100
    problem_of(reader.get("/api/v1/claims?q=" + "a" * 100), 414)


# --- 5. Plain HTTP in production -------------------------------------------------


@pytest.mark.django_db
def test_it_answers_a_problem_instead_of_redirecting_plain_http_on_api_paths(alice, make_source):
    source = make_source()
    client = key_client(make_key("review", alice))
    claim = {"text": "Sent over plain HTTP", "attributions": [{"source": source.pk, "role": "stated"}]}
    with override_settings(SECURE_SSL_REDIRECT=True):
        body = problem_of(_json(client, "post", "/api/v1/claims", claim), 403)
        assert body["type"] == "urn:claimdesk:problem:https_required"
        assert "https://testserver/api/v1/claims" in body["detail"]
        problem_of(client.get("/api/v1/claims?state=queued"), 403)
        assert not Claim.objects.exists()
        page = Client().get("/accounts/login/")
        assert page.status_code == 301 and page["Location"] == "https://testserver/accounts/login/"
        assert _json(client, "post", "/api/v1/claims", claim, secure=True).status_code == 201
    assert Claim.objects.filter(text="Sent over plain HTTP").count() == 1
    # Off (a new client: SecurityMiddleware reads the setting once, when a client first loads it).
    assert key_client(make_key("read")).get("/api/v1/claims").status_code == 200


# --- 6. page_size and cursor -----------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_page_size_outside_its_range(make_claim):
    make_claim()
    reader = key_client(make_key("read"))
    for value in ("0", "-1", "201", "abc", "1.5", "²", "1e2"):
        body = problem_of(reader.get(f"/api/v1/claims?page_size={value}"), 400)
        assert body["errors"] == {"page_size": ["Use a whole number from 1 to 200."]}, value
    assert problem_of(reader.get("/api/v1/sources?page_size=1000"), 400)["errors"] == {
        "page_size": ["Use a whole number from 1 to 200."]
    }
    assert len(json.loads(reader.get("/api/v1/claims?page_size=200").content)["results"]) == 1
    assert len(json.loads(reader.get("/api/v1/claims?page_size=1").content)["results"]) == 1


@pytest.mark.django_db
def test_it_refuses_a_bad_cursor(make_claim):
    for n in range(3):
        make_claim(text=f"Claim number {n}")
    reader = key_client(make_key("read"))

    def cursor(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    message = {"cursor": ["This cursor is not valid: use the next or previous link as given."]}
    bad = [  # (path, cursor, ordering); claims are ordered by -created_at by default
        ("/api/v1/claims", "!!!", None),
        ("/api/v1/claims", cursor("o=x"), None),
        ("/api/v1/claims", cursor("r=yes"), None),
        ("/api/v1/claims", cursor("p=yesterday"), None),
        ("/api/v1/claims", cursor("p=not-a-number"), "-priority"),
        ("/api/v1/claims", cursor("p=2026-01-01T00:00:00%2B00:00"), "-id"),  # a time where an id belongs
        ("/api/v1/claims", cursor("p=99999999999999999999999"), "id"),  # beyond a 64-bit id
        ("/api/v1/sources", cursor("p=Bud%00anov"), "name"),  # PostgreSQL text holds no NUL
    ]
    for path, value, ordering in bad:
        params = {"cursor": value, **({"ordering": ordering} if ordering else {})}
        assert problem_of(reader.get(path, params), 400)["errors"] == message, (path, params)

    first = json.loads(reader.get("/api/v1/claims?page_size=2").content)
    second = json.loads(reader.get(first["next"]).content)
    assert [c["text"] for c in first["results"] + second["results"]] == [f"Claim number {n}" for n in (2, 1, 0)]


# --- 7. Nested fields as form data -----------------------------------------------


@pytest.mark.django_db
def test_it_refuses_nested_fields_sent_as_form_data(alice, make_source, make_claim):
    source = make_source()
    client = key_client(make_key("review", alice))
    form = {"text": "Sent as a form", "attributions[0][source]": str(source.pk), "attributions[0][role]": "stated"}
    send_json = "Nested fields cannot be sent as form data: send the body as JSON (Content-Type: application/json)."
    urlencoded = "&".join(f"{k}={v}" for k, v in form.items())
    for response in (
        client.post("/api/v1/claims", form),  # multipart
        client.post("/api/v1/claims", urlencoded, content_type="application/x-www-form-urlencoded"),
    ):
        body = problem_of(response, 400)
        assert body["errors"] == {"attributions[0][role]": [send_json], "attributions[0][source]": [send_json]}
    dotted = client.post(f"/api/v1/claims/{make_claim().pk}/evidence", {"notes": "A call", "provided_by.id": "1"})
    assert problem_of(dotted, 400)["errors"] == {"provided_by.id": [send_json]}
    assert not Claim.objects.filter(text="Sent as a form").exists() and not Evidence.objects.exists()

    flat = client.post("/api/v1/claims", {"text": "A flat form", "tags": ["one", "two"]})
    assert flat.status_code == 201, flat.content
    assert sorted(Claim.objects.get(text="A flat form").tags.values_list("name", flat=True)) == ["one", "two"]


# --- 8. Unknown fields on every write --------------------------------------------


@pytest.mark.django_db
def test_it_refuses_unknown_fields_on_every_write(alice, erin, adam, make_source, make_claim):
    source = make_source()
    claim = make_claim()
    review, editor, admin = (
        key_client(make_key(s, u)) for s, u in (("review", alice), ("review", erin), ("admin", adam))
    )
    attribution = {"source": source.pk, "role": "stated"}
    cases = [
        (review, "post", "/api/v1/claims", {"text": "New", "colour": "red"}, ["colour"]),
        (
            review,
            "post",
            "/api/v1/claims",
            {"text": "New", "attributions": [attribution, {**attribution, "sauce": 1}]},
            ["attributions.1.sauce"],
        ),
        (review, "post", "/api/v1/claims", {"text": "", "colour": "red"}, ["colour", "text"]),
        (review, "post", f"/api/v1/claims/{claim.pk}/evidence", {"notes": "A call", "mood": "sure"}, ["mood"]),
        (review, "post", "/api/v1/intake", {"text": "An article.", "lang": "en"}, ["lang"]),
        (review, "post", f"/api/v1/claims/{claim.pk}/release", {"version": 1, "force": True}, ["force"]),
        (
            admin,
            "post",
            "/api/v1/sources",
            {"name": "A", "grade": {"grade": "B", "rationale": "x", "by": 1}},
            ["grade.by"],
        ),
        (admin, "post", "/api/v1/webhooks", {"secret": "mine"}, ["secret", "url"]),
        (editor, "patch", f"/api/v1/claims/{claim.pk}", {"state": "published"}, ["state"]),
    ]
    for client, method, path, body, fields in cases:
        extra = {"HTTP_IF_MATCH": _etag(claim)} if method == "patch" else {}
        problem = problem_of(_json(client, method, path, body, **extra), 400)
        assert sorted(problem["errors"]) == fields, (path, problem)
        assert all("Unknown field" in problem["errors"][f][0] for f in fields if f not in ("text", "url")), problem
    assert Claim.objects.count() == 1 and not Evidence.objects.exists() and not IntakeBatch.objects.exists()
    assert not Source.objects.filter(name="A").exists() and not WebhookEndpoint.objects.exists()
    claim.refresh_from_db()
    assert (claim.version, claim.state) == (1, Claim.State.QUEUED)


# --- 9. A stale version on reopen ------------------------------------------------


@pytest.mark.django_db
def test_it_answers_409_to_a_stale_reopen(alice, erin, make_claim):
    claim = publish(make_claim(), alice, erin)
    editor = key_client(make_key("review", erin))
    published_version = claim.version
    reopen = {"version": published_version, "reason": "New footage."}
    assert _json(editor, "post", f"/api/v1/claims/{claim.pk}/reopen", reopen).status_code == 200
    claim.refresh_from_db()
    assert claim.state == Claim.State.REOPENED and claim.version == published_version + 1

    body = problem_of(_json(editor, "post", f"/api/v1/claims/{claim.pk}/reopen", reopen), 409)
    assert body["type"] == "urn:claimdesk:problem:stale_version"
    assert body["current_version"] == claim.version and body["changed_by"] == "erin" and body["change"]
    again = _json(editor, "post", f"/api/v1/claims/{claim.pk}/reopen", {**reopen, "version": claim.version})
    assert again.status_code == 200  # the current version: nothing to do, and no second event
    assert claim.events.filter(kind=ClaimEvent.Kind.REOPENED).count() == 1
    claim.refresh_from_db()
    assert claim.version == published_version + 1


# --- 10. Filter enums in the schema ----------------------------------------------


@pytest.mark.django_db
def test_it_types_the_filter_enums_in_the_schema(make_claim):
    schema = json.loads(_schema())
    for path in ("/api/v1/claims", "/api/v1/export/claims.json", "/api/v1/export/claims.csv"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for name, values in (("state", Claim.State.values), ("verdict", ["confirmed", "false", "not_checkable"])):
            parameter = parameters[name]
            assert parameter["schema"]["type"] == "array" and parameter["explode"] is False, parameter
            assert set(values) <= set(parameter["schema"]["items"]["enum"])
    make_claim()
    reader = key_client(make_key("read"))
    assert len(json.loads(reader.get("/api/v1/claims?state=queued,published").content)["results"]) == 1
    assert problem_of(reader.get("/api/v1/claims?state=queued,lost"), 400)["errors"]["state"]


def _schema() -> bytes:
    return Client().get("/api/schema/", {"format": "json"}).content
