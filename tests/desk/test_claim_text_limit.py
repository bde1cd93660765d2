"""A claim is one checkable statement: text over CLAIM_TEXT_MAX_CHARS is refused
with a field error on every path, and nothing is written."""

import json

import pytest

from tests.api.core_support import problem_of, session_client
from tests.desk.test_claim_submit import _form
from verification.models import Claim

pytestmark = pytest.mark.django_db

LONG = "North Korea sent soldiers. " * 80  # about 2,160 characters


def test_it_refuses_long_text_in_the_api_with_a_field_error(alice, settings):
    assert len(LONG.strip()) > settings.CLAIM_TEXT_MAX_CHARS
    response = session_client(alice).post("/api/v1/claims", json.dumps({"text": LONG}), content_type="application/json")
    errors = problem_of(response, 400)["errors"]
    assert list(errors) == ["text"] and "at most 2,000 characters" in errors["text"][0]
    assert not Claim.objects.exists()


def test_it_refuses_long_text_in_the_desk_form_and_keeps_the_input(client, alice, story):
    client.force_login(alice)
    response = client.post("/desk/claims/new", _form(text=LONG))
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 2,000 characters" in html and "North Korea sent soldiers." in html
    assert not Claim.objects.exists()


def test_it_refuses_a_long_edit_and_keeps_the_text(erin, make_claim):
    claim = make_claim(text="North Korea sent soldiers.")
    response = session_client(erin).patch(
        f"/api/v1/claims/{claim.pk}",
        json.dumps({"text": LONG}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim.pk}-{claim.version}"',
    )
    assert "text" in problem_of(response, 400)["errors"]
    claim.refresh_from_db()
    assert claim.text == "North Korea sent soldiers." and claim.version == 1
