"""Every /api/v1/ path. No trailing slashes, and no redirect to one."""

from django.urls import path  # noqa: F401

urlpatterns = [
    # Claims, status, queue actions, exports (API core).
    # Webhooks (webhook endpoints).
    # Evidence (evidence intake).
    # Sources (source records).
]
