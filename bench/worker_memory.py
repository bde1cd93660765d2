"""Worker memory: the RSS of a real worker (threads pool, as in the Procfile)
over 10k tasks of real work (2k with BENCH_QUICK=1). Target: growth < 10 %
from after the warm-up (the first 1k tasks) to the end.

    python -m bench.worker_memory

1. Write TOTAL signed-webhook deliveries (outbox rows) to an endpoint on a
   loopback receiver, as the outbox does for real events.
2. Start a worker; enqueue the first WARMUP deliveries (each one: claim the
   attempt with a conditional UPDATE, sign, SSRF-check and POST, record the
   outcome), plus a lease-expiry scan every SCAN_EVERY deliveries.
3. When they are all delivered and the worker is idle, read its RSS (VmRSS of
   the worker and any children, from /proc): the base.
4. Enqueue the rest, sampling the RSS meanwhile for the peak; when all are
   delivered, read it again: the end. Growth = end / base - 1.
"""

import statistics
import sys
import time
import uuid

from bench.common import QUICK, ROOT, print_table, save_results

TOTAL = 2_000 if QUICK else 10_000
WARMUP = 1_000
SCAN_EVERY = 100
TIMEOUT = 600
TARGET = 0.10


def _deliveries(url: str, n: int) -> tuple:
    from django.utils import timezone

    from verification.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
    from verification.webhooks.delivery import new_secret

    WebhookEndpoint.objects.filter(active=True).update(active=False)  # only ours receives
    endpoint = WebhookEndpoint.objects.create(
        url=url, secret=new_secret(), event_types=["claim.published"], description="bench/worker_memory.py"
    )
    now = timezone.now()
    events = WebhookEvent.objects.bulk_create(
        [
            WebhookEvent(
                id=f"msg_{uuid.uuid4().hex}",
                type="claim.published",
                created_at=now,
                payload={"type": "claim.published", "timestamp": now.isoformat(), "data": {"n": i}},
            )
            for i in range(n)
        ]
    )
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now) for event in events], batch_size=2000
    )
    ids = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").values_list("id", flat=True))
    return endpoint, ids


def _enqueue(ids: list[int]) -> None:
    from verification.tasks import deliver_webhook, expire_leases

    for i, delivery_id in enumerate(ids, start=1):
        deliver_webhook.delay(delivery_id)
        if i % SCAN_EVERY == 0:
            expire_leases.delay()


def _wait_delivered(endpoint, n: int, pid: int, peak: list) -> float:
    """Poll until ``n`` deliveries are settled; keep the highest RSS seen."""
    from bench.worker import rss_kib
    from verification.models import WebhookDelivery

    start = time.monotonic()
    while True:
        peak[0] = max(peak[0], rss_kib(pid))
        delivered = WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").count()
        if delivered >= n:
            return time.monotonic() - start
        if time.monotonic() - start > TIMEOUT:
            raise TimeoutError(f"only {delivered} of {n} deliveries settled in {TIMEOUT}s")
        time.sleep(0.5)


def _idle_rss(pid: int) -> int:
    from bench.worker import rss_kib

    time.sleep(1.0)  # let the last tasks' acks and logging finish
    samples = []
    for _ in range(5):
        samples.append(rss_kib(pid))
        time.sleep(0.2)
    return int(statistics.median(samples))


def main() -> int:
    from bench.worker import Receiver, celery_worker, prepare_worker_bench

    prepare_worker_bench()
    with Receiver(lambda body: body["data"]["n"]) as receiver:
        endpoint, ids = _deliveries(receiver.url, TOTAL)
        try:
            with celery_worker(ROOT / "var" / "bench" / "worker_memory-worker.log") as worker:
                start_rss, peak = _idle_rss(worker.pid), [0]
                _enqueue(ids[:WARMUP])
                _wait_delivered(endpoint, WARMUP, worker.pid, peak)
                base = _idle_rss(worker.pid)
                _enqueue(ids[WARMUP:])
                seconds = _wait_delivered(endpoint, TOTAL, worker.pid, peak)
                end = _idle_rss(worker.pid)
        finally:
            from verification.models import WebhookEvent

            WebhookEvent.objects.filter(deliveries__endpoint=endpoint).delete()  # the bench's rows only
            endpoint.delete()
        received = receiver.count
    growth = end / base - 1
    rate = (TOTAL - WARMUP) / seconds
    print_table(
        f"Worker memory, {TOTAL} deliveries (+{TOTAL // SCAN_EVERY} lease scans), threads pool x4",
        [
            ("measure", "value"),
            ("RSS at start", f"{start_rss / 1024:.1f} MB"),
            (f"RSS after warm-up ({WARMUP} tasks)", f"{base / 1024:.1f} MB"),
            (f"RSS after {TOTAL} tasks", f"{end / 1024:.1f} MB"),
            ("peak RSS", f"{peak[0] / 1024:.1f} MB"),
            ("throughput after warm-up", f"{rate:.0f} tasks/s"),
            ("requests received", received),
            (f"growth (target < {TARGET:.0%})", f"{growth:+.1%}"),
        ],
    )
    save_results(
        {
            "worker_rss_growth": round(growth, 4),
            "worker_rss_mb": {
                "start": round(start_rss / 1024, 1),
                "after_warmup": round(base / 1024, 1),
                "end": round(end / 1024, 1),
                "peak": round(peak[0] / 1024, 1),
            },
            "worker_tasks": TOTAL,
            "worker_tasks_per_s": round(rate),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
