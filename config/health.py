"""GET /healthz: is the database up, the broker reachable, a worker alive?"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any driver error means "down" to a load balancer
        return False, type(exc).__name__


def _check_broker() -> tuple[bool, str]:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any transport error means "down"
        return False, type(exc).__name__


def _check_worker() -> tuple[bool, str]:
    from verification.models import WorkerHeartbeat

    cutoff = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except Exception as exc:  # noqa: BLE001 - any driver error means "down"
        return False, type(exc).__name__
    if latest is None:
        return False, "no worker has ever reported"
    if latest < cutoff:
        return False, f"last heartbeat {latest.isoformat()}"
    return True, "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker), ("worker", _check_worker)):
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    healthy = all(item["ok"] for item in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, "broker_failures": _broker_failures()},
        status=200 if healthy else 503,
    )


def _broker_failures() -> dict:
    """Tasks the broker refused in the last hour. Informative, not a failed check:
    the writes committed and the reconciler sends the work once the broker is back."""
    from verification.models import BrokerFailure

    since = timezone.now() - timedelta(hours=1)
    try:
        recent = BrokerFailure.objects.filter(created_at__gte=since)
        last = recent.values_list("created_at", flat=True).first()
        return {"last_hour": recent.count(), "last_at": last.isoformat() if last else None}
    except Exception as exc:  # noqa: BLE001 - the database check above already reports why
        return {"last_hour": None, "last_at": None, "detail": type(exc).__name__}
