"""Template helpers for the desk: the unread badge in the navigation and small formatters."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_info

from verification.desk.profile import format_when
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
def language_label(code: str) -> str:
    """ "Ukrainian (uk)": Django's name for a language tag in the reader's language ("Українська (uk)"
    on a Ukrainian page), or the tag alone when Django has none."""
    try:
        return f"{get_language_info(code)['name_translated']} ({code})"
    except KeyError:
        return code


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.0%}"


@register.filter
def short_hash(value: str) -> str:
    return f"{value[:12]}…" if value else ""


@register.filter
def when(value, style: str = "datetime") -> str:
    """A time in the reader's zone, with the zone's name: ``{{ claim.due_at|when }}`` gives
    <time datetime="…">05 Dec 2026 14:37 EET</time>; styles "short", "seconds", "full", "time"
    (verification.desk.profile.STYLES). The one way desk pages show a time."""
    text = format_when(value, style)
    if not text:
        return ""
    stamp = value.isoformat() if hasattr(value, "isoformat") else text
    return format_html('<time datetime="{}">{}</time>', stamp, text)
