"""Helpers for the API core tests: keys, callers, problem bodies, a published claim.

Test modules import what they use by name (no conftest of our own, so the
webhook and evidence tests in this folder are unaffected)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from verification.api.keys import create_key
from verification.models import ApiKey

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def make_key(scope="read", user=None, *, revoked=False, expired=False, name="test key") -> str:
    """A raw key; its last_used_at is fresh so requests make no UPDATE (stable query counts)."""
    key, raw = create_key(name, scope, user=user)
    now = timezone.now()
    changes = {"last_used_at": now}
    if revoked:
        changes["revoked_at"] = now - timedelta(minutes=5)
    if expired:
        changes["expires_at"] = now - timedelta(minutes=5)
    ApiKey.objects.filter(pk=key.pk).update(**changes)
    return raw


def key_client(raw: str, **kwargs) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **kwargs)


def session_client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def problem_of(response, status: int) -> dict:
    """Assert an RFC 9457 body with this status, and no traceback in it."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = json.loads(response.content)
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status and body["type"].startswith("urn:claimdesk:problem:")
    text = response.content.decode()
    assert "Traceback" not in text and 'File "' not in text
    return body


def publish(claim, reviewer, editor, verdict="false", confidence=0.9, rationale="The video is from 2019."):
    """Assign, assess and sign off through the transitions; returns the fresh claim."""
    from verification.workflow import transitions

    transitions.reassign(editor, claim.pk, reviewer)
    transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale=rationale)
    return transitions.sign_off(editor, claim.pk)


PERSONAS = [
    "anonymous",
    "read_key",
    "revoked_key",
    "expired_key",
    "fact_checker",
    "editor",
    "admin",
    "review_key",
    "admin_key",
]


@pytest.fixture
def caller(db, request):
    """caller(persona) -> (client, acting user or None)."""

    def _make(persona: str):
        if persona == "anonymous":
            return Client(), None
        if persona in ("read_key", "revoked_key", "expired_key"):
            raw = make_key("read", revoked=persona == "revoked_key", expired=persona == "expired_key")
            return key_client(raw), None
        fixture = {
            "fact_checker": "alice",
            "editor": "erin",
            "admin": "adam",
            "review_key": "alice",
            "admin_key": "adam",
        }[persona]
        user = request.getfixturevalue(fixture)
        if persona.endswith("_key"):
            return key_client(make_key(persona.removesuffix("_key"), user)), user
        return session_client(user), user

    return _make
