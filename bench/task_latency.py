"""Task latency: from the commit of a sign-off to its `claim.published`
webhook arriving at a loopback receiver, vs a bare Celery round trip on the
same broker (a trivial task that POSTs to the same receiver). Target: the
webhook path takes at most 2x the bare one.

    python -m bench.task_latency

1. Start a loopback receiver and a real worker (`celery -A config worker
   -I bench.tasks`, threads pool as in the Procfile) on Redis
   (CELERY_BROKER_URL, or redis://127.0.0.1:6379/15).
2. Prepare claims awaiting sign-off through the transitions (create, assign,
   assess) and one webhook endpoint subscribed to `claim.published`.
3. Alternate the two paths, one sample at a time, waiting for each arrival:
   - webhook: the clock starts when the sign-off transaction commits (an
     on_commit callback registered before the transition's own, so it runs
     first) and stops when the receiver reads the request;
   - bare: the clock starts just before `send_task` publishes and stops when
     the receiver reads the request.
4. Median of each; the first few of each are warm-up and not counted.
"""

import statistics
import sys
import time

from bench.common import QUICK, ROOT, print_table, save_results

SAMPLES = 30 if QUICK else 50
WARMUP = 5
TIMEOUT = 30
TARGET = 2.0


def _people():
    from django.contrib.auth.models import Group, User

    from sources.roles import EDITORS, FACT_CHECKERS, ensure_roles

    ensure_roles()
    editor, _ = User.objects.get_or_create(username="bench-latency-editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    reviewer, _ = User.objects.get_or_create(username="bench-latency-reviewer")
    reviewer.groups.add(Group.objects.get(name=FACT_CHECKERS))
    return User.objects.get(pk=editor.pk), User.objects.get(pk=reviewer.pk)  # fresh permission caches


def _awaiting_signoff(editor, reviewer, n: int) -> list[int]:
    """Claims ready to publish, made the way the desk makes them."""
    from verification.workflow import transitions
    from verification.workflow.claims import ClaimInput, create_claim

    ids = []
    for i in range(n):
        claim = create_claim(editor, ClaimInput(text=f"Bench latency claim {i} {time.time_ns()}", priority=1))
        transitions.reassign(editor, claim.pk, reviewer)
        transitions.assess(reviewer, claim.pk, verdict="false", confidence=0.9, rationale="Bench: no such report.")
        ids.append(claim.pk)
    return ids


def _endpoint(url: str):
    from verification.models import WebhookEndpoint
    from verification.webhooks.delivery import new_secret

    # The bench database's endpoints would receive our events too; only ours is active.
    WebhookEndpoint.objects.filter(active=True).update(active=False)
    return WebhookEndpoint.objects.create(
        url=url, secret=new_secret(), event_types=["claim.published"], description="bench/task_latency.py"
    )


def _webhook_sample(receiver, editor, claim_id: int) -> float:
    from django.db import transaction

    from verification.workflow import transitions

    started = {}
    with transaction.atomic():
        transaction.on_commit(lambda: started.setdefault("at", time.perf_counter()))
        transitions.sign_off(editor, claim_id)
    return receiver.wait_for(("claim", claim_id), TIMEOUT) - started["at"]


def _bare_sample(receiver, app, n: int) -> float:
    import json

    start = time.perf_counter()
    app.send_task("bench.tasks.post_to", args=[receiver.url, json.dumps({"bare": n})])
    return receiver.wait_for(("bare", n), TIMEOUT) - start


def _key(body: dict):
    if "bare" in body:
        return ("bare", body["bare"])
    return ("claim", body["data"]["id"]) if body.get("type") == "claim.published" else ("other", body.get("type"))


def main() -> int:
    from bench.worker import Receiver, celery_worker, prepare_worker_bench

    prepare_worker_bench()
    from config.celery import app

    editor, reviewer = _people()
    claim_ids = _awaiting_signoff(editor, reviewer, SAMPLES + WARMUP)
    webhook, bare = [], []
    with Receiver(_key) as receiver, celery_worker(ROOT / "var" / "bench" / "task_latency-worker.log"):
        endpoint = _endpoint(receiver.url)
        try:
            for i, claim_id in enumerate(claim_ids):
                webhook.append(_webhook_sample(receiver, editor, claim_id))
                bare.append(_bare_sample(receiver, app, i))
        finally:
            endpoint.delete()
    webhook_ms = statistics.median(webhook[WARMUP:]) * 1000
    bare_ms = statistics.median(bare[WARMUP:]) * 1000
    ratio = webhook_ms / bare_ms
    print_table(
        f"Task latency, median of {SAMPLES} samples each (after {WARMUP} warm-up), threads pool x4, Redis",
        [
            ("path", "median ms", "p90 ms"),
            ("bare Celery round trip (send_task -> POST)", f"{bare_ms:.1f}", f"{_p90(bare[WARMUP:]):.1f}"),
            ("sign_off commit -> webhook POST", f"{webhook_ms:.1f}", f"{_p90(webhook[WARMUP:]):.1f}"),
            (f"ratio (target <= {TARGET})", f"{ratio:.2f}", ""),
        ],
    )
    save_results(
        {
            "task_latency_ratio": round(ratio, 3),
            "task_latency_webhook_ms": round(webhook_ms, 2),
            "task_latency_bare_ms": round(bare_ms, 2),
        }
    )
    return 0


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] * 1000


if __name__ == "__main__":
    sys.exit(main())
