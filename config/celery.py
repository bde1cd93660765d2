"""The Celery app. Every task lives in verification/tasks.py; the schedule in settings."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("claimdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from config.heartbeat import WorkerHeartbeatStep  # noqa: E402  (needs the app first)

app.steps["worker"].add(WorkerHeartbeatStep)


@task_prerun.connect
@task_postrun.connect
def close_old_connections(**kwargs):
    """Between tasks, what Django does between requests: close the thread's
    database connection if it is broken or older than CONN_MAX_AGE, else keep
    it (CELERY_DB_REUSE_MAX stops Celery closing it after every task)."""
    from django.db import close_old_connections as close

    close()
