"""Deployment checks of Claimdesk's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def loopback_fetching(app_configs, **kwargs):
    if settings.ALLOW_LOOPBACK_FETCH:
        return [
            Warning(
                "CLAIMDESK_ALLOW_LOOPBACK_FETCH is on: evidence capture, intake and webhooks may fetch "
                "127.0.0.1 and ::1, services on this host included.",
                hint="Unset CLAIMDESK_ALLOW_LOOPBACK_FETCH in production; it is for tests and benchmarks.",
                id="claimdesk.W001",
            )
        ]
    return []
