"""GET /healthz tells a load balancer whether the database, the broker and a worker are up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.worker import wait_for
from verification.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_it_answers_ok_with_a_live_worker(client, celery_worker):
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timedelta(seconds=10)).exists(),
        timeout=30,
        message="the worker's first heartbeat",
    )
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {name: {"ok": True, "detail": "ok"} for name in ("database", "broker", "worker")},
        "broker_failures": {"last_hour": 0, "last_at": None},
    }
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_answers_503_when_no_worker_has_reported(client):
    # Inside this test's transaction: a worker running for other tests cannot add a heartbeat we would see.
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has ever reported"}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_answers_503_when_the_last_heartbeat_is_stale(client):
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(hostname="gone@host", seen_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"].startswith("last heartbeat ")
