"""In-app notifications (and e-mail for escalations). Idempotent by dedup key,
so a task that runs twice never notifies twice."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from sources.roles import EDITORS
from verification.models import Notification


def notify(users, kind: str, claim, message: str, dedup_key: str = "") -> int:
    rows = [
        Notification(user=u, kind=kind, claim=claim, message=message, dedup_key=dedup_key)
        for u in users
        if u is not None
    ]
    if not rows:
        return 0
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedup_key))
    return len(created)


def editors():
    return get_user_model().objects.filter(groups__name=EDITORS, is_active=True).distinct()


def notify_editors_by_email(subject: str, body: str) -> None:
    """Sent after commit: an e-mail must not go out for a change that rolled back."""
    recipients = [e.email for e in editors() if e.email]
    if recipients:
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def unread_count(user) -> int:
    """The badge number on the desk (notification_unread_idx)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    """Mark the user's unread notifications read (only ``ids`` if given); the
    count marked. Someone else's notification ids are silently ignored."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
