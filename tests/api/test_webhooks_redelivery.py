"""Ping and redelivery through the API, delivered by a real Celery worker to a
receiver on 127.0.0.1: a redelivery carries the same webhook-id, and the
delivery log in the API shows attempts and status."""

import pytest
from standardwebhooks import Webhook

from tests.api.webhook_support import admin_api, make_endpoint, no_outside_connections, receiver  # noqa: F401
from tests.worker import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "no_outside_connections"),
]


def log_entry(client, endpoint, status):
    """The newest delivery in the endpoint's log, once it has this status."""
    [newest, *_] = client.get(f"/api/v1/webhooks/{endpoint.id}/deliveries").json()["results"] or [None]
    return newest if newest and newest["status"] == status else None


def test_it_pings_an_endpoint_and_shows_the_result_in_the_log(admin_api, receiver, make_endpoint):
    endpoint = make_endpoint(receiver.url())
    queued = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/ping")
    assert queued.status_code == 202
    [got] = wait_for(receiver.requests, message="the ping to arrive")
    payload = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert payload["type"] == "webhook.ping" and payload["data"]["endpoint_id"] == endpoint.id
    assert got.headers["webhook-id"] == queued.json()["event_id"]
    logged = wait_for(lambda: log_entry(admin_api, endpoint, "delivered"), message="the log to show the delivery")
    assert (logged["id"], logged["attempts"], logged["last_status_code"]) == (queued.json()["id"], 1, 200)


def test_it_redelivers_an_event_with_the_same_webhook_id(admin_api, receiver, make_endpoint):
    endpoint = make_endpoint(receiver.url())
    receiver.answer(500, 500)  # then 200
    delivery_id = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/ping").json()["id"]
    wait_for(receiver.requests, message="the first attempt")
    refused = admin_api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver")
    assert refused.status_code == 409  # still being retried: nothing to redeliver yet
    assert "still pending" in refused.json()["detail"]
    logged = wait_for(lambda: log_entry(admin_api, endpoint, "delivered"), message="the third attempt to succeed")
    assert (logged["attempts"], logged["last_status_code"], logged["last_error"]) == (3, 200, "")

    again = admin_api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver")
    assert again.status_code == 202 and again.json()["status"] == "pending"
    wait_for(lambda: len(receiver.requests()) == 4, message="the redelivery to arrive")
    assert {r.headers["webhook-id"] for r in receiver.requests()} == {again.json()["event_id"]}
    last = receiver.requests()[-1]
    assert Webhook(endpoint.secret).verify(last.body, last.headers)["type"] == "webhook.ping"
    logged = wait_for(lambda: log_entry(admin_api, endpoint, "delivered"), message="the redelivery to be logged")
    assert (logged["id"], logged["attempts"], logged["last_status_code"]) == (delivery_id, 1, 200)
