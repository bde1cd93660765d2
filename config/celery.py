"""The Celery app. Tasks live in each app's tasks.py; the schedule in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("claimdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from config.heartbeat import WorkerHeartbeatStep  # noqa: E402  (needs the app first)

app.steps["worker"].add(WorkerHeartbeatStep)
