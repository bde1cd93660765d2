"""In-app notifications (and e-mail for escalations). Idempotent by dedup key,
so a task that runs twice never notifies twice.

A message is written in each recipient's language (their DeskProfile, else the
desk's LANGUAGE_CODE): callers pass a function that words it, called once per
language under ``translation.override``, since the row stores the words."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation

from sources.roles import EDITORS
from verification.models import DeskProfile, Notification

Wording = str | Callable[[], str]


def languages_of(users) -> dict[int, str]:
    """{user id: the language their notifications are written in}: one query."""
    chosen = dict(DeskProfile.objects.filter(user__in=users).exclude(language="").values_list("user_id", "language"))
    return {u.pk: chosen.get(u.pk) or settings.LANGUAGE_CODE for u in users}


def worded(message: Wording, language: str, cache: dict) -> str:
    """``message`` in ``language``; a plain string is taken as it is."""
    if isinstance(message, str):
        return message
    if language not in cache:
        with translation.override(language):
            cache[language] = str(message())
    return cache[language]


def notify(users, kind: str, claim, message: Wording, dedup_key: str = "") -> int:
    users = [u for u in users if u is not None]
    languages, cache = languages_of(users), {}
    rows = [
        Notification(
            user=u, kind=kind, claim=claim, message=worded(message, languages[u.pk], cache), dedup_key=dedup_key
        )
        for u in users
    ]
    if not rows:
        return 0
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedup_key))
    return len(created)


def editors():
    return get_user_model().objects.filter(groups__name=EDITORS, is_active=True).distinct()


def notify_editors_by_email(subject: Wording, body: Wording) -> None:
    """Sent after commit: an e-mail must not go out for a change that rolled
    back. Each editor's in their own language."""
    recipients = [e for e in editors() if e.email]
    if recipients:
        languages, subjects, bodies = languages_of(recipients), {}, {}
        messages = [
            (
                worded(subject, languages[e.pk], subjects),
                worded(body, languages[e.pk], bodies),
                settings.DEFAULT_FROM_EMAIL,
                [e.email],
            )
            for e in recipients
        ]
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
