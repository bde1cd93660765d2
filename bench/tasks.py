"""Bench-only Celery task: the bare round trip that bench/task_latency.py
compares the webhook path with. Registered only in workers started with
`-I bench.tasks`; the app itself never imports this module."""

import urllib.request

from celery import shared_task


@shared_task(name="bench.tasks.post_to", ignore_result=True)
def post_to(url: str, body: str) -> None:
    """POST ``body`` to the bench's loopback receiver, and nothing else."""
    request = urllib.request.Request(
        url, data=body.encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
