"""The notifications list, and marking them read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from verification.desk.base import bounded_count, desk_view, page_number, window
from verification.models import Notification


@desk_view
def notifications(request):
    mine = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    listed = mine.filter(read_at__isnull=True) if unread_only else mine
    page = window(listed.select_related("claim").order_by("-created_at", "-id"), page_number(request))
    return render(
        request,
        "verification/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": bounded_count(mine.filter(read_at__isnull=True)),
        },
    )


@require_POST
@desk_view
def mark_read(request):
    """One notification (``id``) or all of the user's unread ones."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    ident = request.POST.get("id", "")
    if ident.isdigit():
        unread = unread.filter(pk=int(ident))
    count = unread.update(read_at=timezone.now())
    if not ident:
        messages.success(
            request,
            ngettext("Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", count)
            % {"count": count},
        )
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/desk/") else "desk-notifications")
