"""API keys and webhooks in the admin: digests and secrets stay hidden; keys are revoked, not deleted."""

import pytest
from django.contrib.admin.utils import quote

from tests.conftest import PASSWORD
from verification.models import ApiKey, WebhookEndpoint, WebhookEvent

DIGEST = "ab12" * 16


@pytest.fixture
def admin_client(client, adam):
    client.login(username="adam", password=PASSWORD)
    return client


@pytest.mark.django_db
def test_it_shows_keys_without_their_digest_and_revokes_them(admin_client, adam):
    key = ApiKey.objects.create(name="newsroom", prefix="cd_ab12", digest=DIGEST, scope="review", user=adam)
    listing = admin_client.get("/admin/verification/apikey/").content.decode()
    page = admin_client.get(f"/admin/verification/apikey/{key.pk}/change/").content.decode()
    for html in (listing, page):
        assert "cd_ab12" in html and "review" in html.lower() and DIGEST not in html
    response = admin_client.post(
        "/admin/verification/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert b"Revoked 1 key; it stops working on its next request." in response.content
    key.refresh_from_db()
    assert key.revoked_at is not None and key.digest == DIGEST
    assert admin_client.get("/admin/verification/apikey/add/").status_code == 403


@pytest.mark.django_db
def test_it_generates_a_webhook_secret_and_shows_it_once(admin_client, adam):
    response = admin_client.post(
        "/admin/verification/webhookendpoint/add/",
        {
            "url": "https://93.184.215.14/hooks/claimdesk",
            "description": "site",
            "event_types": '["claim.published"]',
            "active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret.encode() in response.content
    assert endpoint.created_by == adam and endpoint.event_types == ["claim.published"]
    later = admin_client.get(f"/admin/verification/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in later and endpoint.secret[:10] in later


@pytest.mark.django_db
def test_it_refuses_unknown_webhook_event_types(admin_client):
    page = admin_client.post(
        "/admin/verification/webhookendpoint/add/",
        {"url": "https://93.184.215.14/hooks", "event_types": '["claim.deleted"]', "active": "on"},
    )
    assert page.status_code == 200 and b"Unknown event type(s): claim.deleted" in page.content
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_it_keeps_sent_webhook_events_read_only(admin_client):
    event = WebhookEvent.objects.create(type="claim.published", payload={"data": {"id": 1}})
    url = f"/admin/verification/webhookevent/{quote(event.pk)}/change/"  # ids hold "_", which the admin escapes
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"type": "claim.reopened"}).status_code == 403
    assert WebhookEvent.objects.get().type == "claim.published"


@pytest.mark.django_db
def test_it_refuses_a_webhook_to_a_private_address(admin_client, settings):
    settings.ALLOW_LOOPBACK_FETCH = False
    page = admin_client.post(
        "/admin/verification/webhookendpoint/add/", {"url": "http://10.0.0.5/hook", "event_types": "[]", "active": "on"}
    )
    assert page.status_code == 200 and b"This URL cannot receive webhooks" in page.content
    assert not WebhookEndpoint.objects.exists()
