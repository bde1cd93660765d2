"""Webhook targets are checked against SSRF when an endpoint is created or its
URL changed: private, link-local, cloud-metadata and (unless the setting
allows it) loopback addresses are refused, by IP or by a name resolving to
one, and nothing ever connects to them to find out."""

import pytest

from tests.api.webhook_support import admin_api, fake_dns, make_endpoint, no_outside_connections  # noqa: F401
from verification.models import WebhookEndpoint

pytestmark = pytest.mark.usefixtures("no_outside_connections")

# (URL, what the caller is told, what the log says for the admins)
REFUSED = [
    ("http://10.0.0.1/hook", "address not allowed", "10.0.0.1 is a private address"),
    ("http://192.168.1.20:8080/hook", "address not allowed", "a private address"),
    ("http://169.254.169.254/latest/meta-data/", "address not allowed", "169.254.169.254 is a cloud metadata address"),
    ("http://[fd00:ec2::254]/", "address not allowed", "a cloud metadata address"),
    ("http://169.254.10.10/hook", "address not allowed", "a link-local address"),
    ("http://0.0.0.0:8000/hook", "address not allowed", "an unspecified address"),
    (
        "http://internal.example.org/hook",
        "address not allowed",
        "10.1.2.3 is a private address (internal.example.org resolves to it)",
    ),
    (
        "http://metadata.example.org/hook",
        "address not allowed",
        "cloud metadata address (metadata.example.org resolves to it)",
    ),
    ("ftp://198.51.100.7/hook", "starting with http:// or https://", None),  # verification.urlnorm.BAD_URL
    ("http://user:pass@hooks.example.org/hook", "contains credentials", None),
]


@pytest.fixture
def names(fake_dns):
    fake_dns["internal.example.org"] = ["93.184.215.14", "10.1.2.3"]  # one inside is enough to refuse
    fake_dns["metadata.example.org"] = ["169.254.169.254"]
    fake_dns["hooks.example.org"] = ["93.184.215.14"]
    return fake_dns


@pytest.mark.parametrize("url, shown, logged", REFUSED)
def test_it_refuses_an_unsafe_target_at_create_time_without_connecting(
    url, shown, logged, admin_api, names, settings, caplog
):
    settings.ALLOW_LOOPBACK_FETCH = False
    response = admin_api.post("/api/v1/webhooks", {"url": url}, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    [message] = response.json()["errors"]["url"]
    assert shown in message, message
    if logged:  # the inside address is named in the log only, never to the caller
        assert logged not in message and any(logged in r.getMessage() for r in caplog.records)
    assert not WebhookEndpoint.objects.exists()


def test_it_refuses_loopback_when_the_setting_is_off(admin_api, settings):
    settings.ALLOW_LOOPBACK_FETCH = False
    for url in ("http://127.0.0.1:8765/hook", "http://[::1]:8765/hook", "http://127.8.9.10/hook"):
        response = admin_api.post("/api/v1/webhooks", {"url": url}, format="json")
        assert response.status_code == 400
        assert "address not allowed" in response.json()["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_it_allows_loopback_when_the_setting_is_on(admin_api, settings):
    settings.ALLOW_LOOPBACK_FETCH = True  # local development and tests only
    response = admin_api.post("/api/v1/webhooks", {"url": "http://127.0.0.1:8765/hook"}, format="json")
    assert response.status_code == 201
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8765/hook"


def test_it_accepts_a_public_name(admin_api, names):
    response = admin_api.post("/api/v1/webhooks", {"url": "https://hooks.example.org/in"}, format="json")
    assert response.status_code == 201
    assert names["hooks.example.org"] == ["93.184.215.14"]
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.org/in"


def test_it_refuses_an_unsafe_target_when_the_url_is_changed(admin_api, make_endpoint, names):
    endpoint = make_endpoint("https://hooks.example.org/in")
    response = admin_api.patch(f"/api/v1/webhooks/{endpoint.id}", {"url": "http://169.254.169.254/"}, format="json")
    assert response.status_code == 400
    assert "address not allowed" in response.json()["errors"]["url"][0]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.org/in"


def test_it_refuses_a_name_that_does_not_resolve(admin_api, names):
    response = admin_api.post("/api/v1/webhooks", {"url": "http://no-such-host.invalid/hook"}, format="json")
    assert response.status_code == 400
    assert "could not resolve no-such-host.invalid" in response.json()["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()
