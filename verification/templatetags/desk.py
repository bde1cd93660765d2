"""Template helpers for the desk: the unread badge in the navigation and small formatters."""

from django import template

from verification.models import Notification

register = template.Library()
BADGE_CAP = 99


@register.simple_tag(takes_context=True)
def unread_count(context) -> str:
    """ "3", "99+", or "" — one bounded query, made once per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    n = Notification.objects.filter(user=user, read_at__isnull=True).order_by()[: BADGE_CAP + 1].count()
    return "" if n == 0 else (f"{BADGE_CAP}+" if n > BADGE_CAP else str(n))


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.0%}"


@register.filter
def short_hash(value: str) -> str:
    return f"{value[:12]}…" if value else ""
