"""Who may manage webhooks: only the admin scope, by key or by an admin's
session. Every path × every kind of caller, asserting the answer and that a
refused request changed nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.webhook_support import bearer, key_for, make_endpoint, no_outside_connections  # noqa: F401
from verification.api.keys import revoke_key
from verification.models import ApiKey, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.usefixtures("no_outside_connections")

HOOK = "http://127.0.0.1:8765/hook"


@pytest.fixture
def hooks(make_endpoint):
    """One endpoint with one failed delivery, for the paths that need ids."""
    endpoint = make_endpoint(HOOK)
    event = WebhookEvent(
        type="claim.created", payload={"type": "claim.created", "timestamp": "2026-01-01T00:00:00Z", "data": {}}
    )
    event.save()
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, status="failed", attempts=8)
    return endpoint, delivery


def requests_for(endpoint, delivery):
    """(method, path, body, success status) for every webhook path."""
    return [
        ("get", "/api/v1/webhooks", None, 200),
        ("post", "/api/v1/webhooks", {"url": HOOK}, 201),
        ("get", f"/api/v1/webhooks/{endpoint.id}", None, 200),
        ("patch", f"/api/v1/webhooks/{endpoint.id}", {"description": "changed"}, 200),
        ("get", f"/api/v1/webhooks/{endpoint.id}/deliveries", None, 200),
        ("post", f"/api/v1/webhooks/{endpoint.id}/ping", None, 202),
        ("post", f"/api/v1/webhooks/deliveries/{delivery.id}/redeliver", None, 202),
        ("delete", f"/api/v1/webhooks/{endpoint.id}", None, 204),
    ]


def snapshot():
    return (
        list(WebhookEndpoint.objects.values_list("id", "url", "description", "active")),
        list(WebhookDelivery.objects.values_list("id", "status", "attempts")),
        WebhookEvent.objects.count(),
    )


def call(client, method, path, body):
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


def session(user):
    client = APIClient()
    client.force_login(user)
    return client


def assert_refused_everywhere(client, hooks, status, *, bearer_challenge=False):
    before = snapshot()
    for method, path, body, _ok in requests_for(*hooks):
        response = call(client, method, path, body)
        assert response.status_code == status, (method, path, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        if bearer_challenge:
            assert response["WWW-Authenticate"] == "Bearer"
    assert snapshot() == before


def test_it_answers_401_with_a_bearer_challenge_to_anonymous_callers(hooks):
    assert_refused_everywhere(APIClient(), hooks, 401, bearer_challenge=True)


def _bad_key(adam):
    return key_for("admin", user=adam) + "x"


def _revoked_key(adam):
    raw = key_for("admin", user=adam)
    revoke_key(raw[:11])
    return raw


def _expired_key(adam):
    raw = key_for("admin", user=adam, expires_days=1)
    ApiKey.objects.filter(prefix=raw[:11]).update(expires_at=timezone.now() - timedelta(minutes=1))
    return raw


@pytest.mark.parametrize("make_key", [_bad_key, _revoked_key, _expired_key], ids=["bad", "revoked", "expired"])
def test_it_answers_401_to_bad_revoked_and_expired_admin_keys(make_key, adam, hooks):
    assert_refused_everywhere(bearer(make_key(adam)), hooks, 401, bearer_challenge=True)


@pytest.mark.parametrize("scope", ["read", "review"])
def test_it_answers_403_to_keys_without_the_admin_scope(scope, erin, hooks):
    response = bearer(key_for(scope, user=erin)).get("/api/v1/webhooks")
    assert response.status_code == 403 and "'admin' scope" in response.json()["detail"]
    assert_refused_everywhere(bearer(key_for(scope, user=erin)), hooks, 403)


def test_it_answers_403_to_an_admin_key_whose_user_is_no_longer_an_admin(erin, hooks):
    assert_refused_everywhere(bearer(key_for("admin", user=erin)), hooks, 403)


@pytest.mark.parametrize("persona", ["alice", "erin", "carol"])
def test_it_answers_403_to_signed_in_people_who_are_not_admins(persona, request, hooks):
    assert_refused_everywhere(session(request.getfixturevalue(persona)), hooks, 403)


@pytest.mark.parametrize(
    "client_for", [lambda adam: bearer(key_for("admin", user=adam)), session], ids=["admin key", "admin session"]
)
def test_it_lets_an_admin_use_every_path(client_for, adam, hooks):
    client = client_for(adam)
    for method, path, body, ok in requests_for(*hooks):
        response = call(client, method, path, body)
        assert response.status_code == ok, (method, path, response.content)
    endpoint, delivery = hooks
    assert not WebhookEndpoint.objects.filter(id=endpoint.id).exists()  # the last request deleted it
    assert WebhookEndpoint.objects.filter(url=HOOK, created_by=adam).count() == 1  # the one the POST made
