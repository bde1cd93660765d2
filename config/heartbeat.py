"""A worker bootstep that records a heartbeat row, so /healthz can tell a
live worker from a dead one without asking the broker."""

import logging
import socket

from celery import bootsteps

log = logging.getLogger(__name__)


def record_heartbeat(hostname: str) -> None:
    from django.db import close_old_connections
    from django.utils import timezone

    from verification.models import WorkerHeartbeat

    close_old_connections()
    try:
        WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})
    except Exception:  # the database may be restarting; the next beat retries
        log.warning("could not record worker heartbeat", exc_info=True)


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        hostname = getattr(worker, "hostname", None) or socket.gethostname()
        record_heartbeat(hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, record_heartbeat, (hostname,), priority=10
        )

    def stop(self, worker):
        if self.tref:
            self.tref.cancel()
