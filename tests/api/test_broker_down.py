"""The database is the truth; the broker is a hint. With the broker unreachable,
a committed write still answers what it deserves (201, 200), never a 500 that
would make a client retry into duplicates; the failure is recorded and shown."""

import json
import socket

import pytest
from django.urls import reverse

from tests.api.core_support import session_client
from tests.reliability.services import producer_on
from verification.models import BrokerFailure, Claim, Evidence, WebhookEndpoint
from verification.webhooks.delivery import new_secret

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """A Redis URL on a loopback port nothing listens on: every publish is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with producer_on(f"redis://127.0.0.1:{port}/0") as app:
        yield app


@pytest.fixture
def subscriber(db):
    return WebhookEndpoint.objects.create(url="https://hooks.example.org/claimdesk", secret=new_secret())


def post_json(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_it_answers_201_for_a_claim_created_while_the_broker_is_down(
    alice, subscriber, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(session_client(alice), "/api/v1/claims", {"text": "North Korea sent 11,000 soldiers."})
    assert response.status_code == 201, response.content
    assert Claim.objects.filter(pk=response.json()["id"]).exists()
    failure = BrokerFailure.objects.get()
    assert failure.task == "verification.tasks.deliver_webhook" and failure.error


def test_it_answers_200_for_a_lease_and_201_for_evidence_while_the_broker_is_down(
    alice, make_claim, subscriber, broker_down, django_capture_on_commit_callbacks
):
    claim = make_claim()
    client = session_client(alice)
    with django_capture_on_commit_callbacks(execute=True):
        leased = post_json(client, "/api/v1/queue/next")
    assert leased.status_code == 200 and leased.json()["id"] == claim.pk
    with django_capture_on_commit_callbacks(execute=True):
        added = post_json(
            client, f"/api/v1/claims/{claim.pk}/evidence", {"url": "https://example.org/report", "title": "Report"}
        )
    assert added.status_code == 201, added.content
    assert Evidence.objects.get(claim=claim).capture_status == "pending"  # the reconciler will send the capture
    assert set(BrokerFailure.objects.values_list("task", flat=True)) == {
        "verification.tasks.deliver_webhook",
        "verification.tasks.capture_evidence",
    }


def test_it_shows_broker_failures_on_healthz_and_the_dashboard(erin, client):
    BrokerFailure.objects.create(task="verification.tasks.capture_evidence", args=[7], error="OperationalError")
    health = client.get("/healthz").json()
    assert health["broker_failures"]["last_hour"] == 1 and health["broker_failures"]["last_at"]
    client.force_login(erin)
    page = client.get(reverse("desk-dashboard"))
    assert page.status_code == 200
    assert "1 task could not be handed to the message broker" in page.content.decode()
