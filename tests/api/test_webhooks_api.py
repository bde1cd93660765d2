"""Managing webhook endpoints through the API with an admin key: create (the
secret shown once), list, read, update, delete, the delivery log, and the
problems answered for bad input and impossible requests."""

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from tests.api.webhook_support import admin_api, make_endpoint, no_outside_connections  # noqa: F401
from verification.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.usefixtures("no_outside_connections")

HOOK = "http://127.0.0.1:8765/hook"  # loopback is allowed in tests; nothing here connects to it


def delivery_for(endpoint, status="delivered", event_type="claim.created"):
    event = WebhookEvent(type=event_type, payload={"type": event_type, "timestamp": "2026-01-01T00:00:00Z", "data": {}})
    event.save()
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        status=status,
        attempts=1,
        last_status_code=200 if status == "delivered" else 500,
        delivered_at=timezone.now() if status == "delivered" else None,
    )


def test_it_creates_an_endpoint_and_shows_its_secret_only_once(admin_api, adam):
    response = admin_api.post(
        "/api/v1/webhooks", {"url": HOOK, "description": "CMS", "event_types": ["claim.published"]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert response["Location"].endswith(f"/api/v1/webhooks/{endpoint.id}")
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    Webhook(body["secret"])  # a valid Standard Webhooks secret
    assert (body["url"], body["description"], body["event_types"], body["active"]) == (
        HOOK,
        "CMS",
        ["claim.published"],
        True,
    )
    assert (endpoint.url, endpoint.event_types, endpoint.created_by) == (HOOK, ["claim.published"], adam)

    detail = admin_api.get(f"/api/v1/webhooks/{endpoint.id}").json()
    listed = admin_api.get("/api/v1/webhooks").json()["results"]
    assert "secret" not in detail and all("secret" not in item for item in listed)
    assert detail["id"] == endpoint.id


def test_it_gives_every_endpoint_its_own_secret(admin_api):
    first = admin_api.post("/api/v1/webhooks", {"url": HOOK}, format="json").json()
    second = admin_api.post("/api/v1/webhooks", {"url": HOOK}, format="json").json()
    assert first["secret"] != second["secret"]
    assert first["event_types"] == [] and second["active"] is True  # empty means every event


def test_it_rejects_unknown_event_types_and_bad_urls_with_a_problem(admin_api):
    response = admin_api.post("/api/v1/webhooks", {"url": "not a url", "event_types": ["claim.deleted"]}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and {"type", "title", "detail"} <= set(problem)
    assert set(problem["errors"]) == {"url", "event_types.0"}  # the shared format names the list item
    assert not WebhookEndpoint.objects.exists()


def test_it_lists_endpoints_newest_first_a_page_at_a_time(admin_api, make_endpoint):
    made = [make_endpoint(f"http://127.0.0.1:{8000 + n}/hook") for n in range(3)]
    page = admin_api.get("/api/v1/webhooks?page_size=2").json()
    assert [e["id"] for e in page["results"]] == [made[2].id, made[1].id]
    assert page["previous"] is None and page["next"]
    rest = admin_api.get(page["next"]).json()
    assert [e["id"] for e in rest["results"]] == [made[0].id] and rest["next"] is None


def test_it_updates_an_endpoint(admin_api, make_endpoint):
    endpoint = make_endpoint(HOOK)
    secret = endpoint.secret
    response = admin_api.patch(
        f"/api/v1/webhooks/{endpoint.id}",
        {"active": False, "event_types": ["claim.reopened", "claim.reopened"]},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["active"], response.json()["event_types"]) == (False, ["claim.reopened"])
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.event_types, endpoint.url, endpoint.secret) == (
        False,
        ["claim.reopened"],
        HOOK,
        secret,
    )


def test_it_deletes_an_endpoint_with_its_delivery_log(admin_api, make_endpoint):
    endpoint = make_endpoint(HOOK)
    delivery_for(endpoint)
    assert admin_api.delete(f"/api/v1/webhooks/{endpoint.id}").status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    missing = admin_api.get(f"/api/v1/webhooks/{endpoint.id}")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")


def test_it_shows_one_endpoints_delivery_log_newest_first(admin_api, make_endpoint):
    endpoint, other = make_endpoint(HOOK), make_endpoint("http://127.0.0.1:8766/other")
    old, failed = delivery_for(endpoint), delivery_for(endpoint, status="failed", event_type="claim.published")
    delivery_for(other)
    page = admin_api.get(f"/api/v1/webhooks/{endpoint.id}/deliveries?page_size=1").json()
    [newest] = page["results"]
    assert newest["id"] == failed.id and page["next"]
    assert (newest["event_id"], newest["event_type"], newest["status"]) == (
        failed.event_id,
        "claim.published",
        "failed",
    )
    assert (newest["attempts"], newest["last_status_code"], newest["endpoint_id"]) == (1, 500, endpoint.id)
    assert newest["payload"]["type"] == "claim.published"
    assert [d["id"] for d in admin_api.get(page["next"]).json()["results"]] == [old.id]
    assert admin_api.get("/api/v1/webhooks/999999/deliveries").status_code == 404


def test_it_requeues_a_settled_delivery_with_the_same_event_id(admin_api, make_endpoint):
    delivery = delivery_for(make_endpoint(HOOK), status="failed")
    response = admin_api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/redeliver")
    assert response.status_code == 202
    assert (response.json()["event_id"], response.json()["status"]) == (delivery.event_id, "pending")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.event_id) == ("pending", 0, response.json()["event_id"])
    assert WebhookEvent.objects.count() == 1  # no new event: receivers see the same webhook-id


def test_it_refuses_to_redeliver_a_pending_delivery(admin_api, make_endpoint):
    delivery = delivery_for(make_endpoint(HOOK), status="pending")
    response = admin_api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/redeliver")
    assert response.status_code == 409
    assert "still pending" in response.json()["detail"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert admin_api.post("/api/v1/webhooks/deliveries/999999/redeliver").status_code == 404


def test_it_refuses_to_ping_or_redeliver_to_a_disabled_endpoint(admin_api, make_endpoint):
    endpoint = make_endpoint(HOOK, active=False)
    delivery = delivery_for(endpoint, status="failed")
    ping = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/ping")
    redeliver = admin_api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/redeliver")
    assert (ping.status_code, redeliver.status_code) == (409, 409)
    assert "enable it" in ping.json()["detail"]
    assert WebhookDelivery.objects.filter(status="pending").count() == 0
    assert WebhookEvent.objects.count() == 1


def test_it_queues_a_ping_for_one_endpoint_only(admin_api, make_endpoint):
    endpoint, other = make_endpoint(HOOK), make_endpoint("http://127.0.0.1:8766/other")
    response = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/ping")
    assert response.status_code == 202
    assert (response.json()["event_type"], response.json()["status"]) == ("webhook.ping", "pending")
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint == endpoint and delivery.event.payload["data"]["endpoint_id"] == endpoint.id
    assert not other.deliveries.exists()


def test_it_reads_the_lists_in_a_fixed_number_of_queries(admin_api, make_endpoint, django_assert_num_queries):
    endpoints = [make_endpoint(f"http://127.0.0.1:{8000 + n}/hook") for n in range(5)]
    for n in range(5):
        delivery_for(endpoints[0], status="failed" if n % 2 else "delivered")
    admin_api.get("/api/v1/webhooks")  # the first request of the minute also stamps the key's last_used_at
    # 2 to authenticate (the key with its user, the user's groups), then the page itself.
    with django_assert_num_queries(3):
        listed = admin_api.get("/api/v1/webhooks")
    assert listed.status_code == 200
    assert sorted(r["id"] for r in listed.json()["results"]) == sorted(e.id for e in endpoints)
    with django_assert_num_queries(4):  # plus the endpoint's existence
        deliveries = admin_api.get(f"/api/v1/webhooks/{endpoints[0].id}/deliveries")
    assert deliveries.status_code == 200
    assert sorted(r["status"] for r in deliveries.json()["results"]) == ["delivered"] * 3 + ["failed"] * 2
