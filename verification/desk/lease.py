"""The lease panel on the claim page: countdown, extend, release, assign. The
claim page's live poll (verification/desk/live.py) keeps its status current
and warns when someone else changed the claim."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from verification.desk.base import desk_view, report_error
from verification.desk.claim import capabilities, load_claim
from verification.desk.profile import format_when
from verification.workflow import transitions


def lease_context(request, claim, seen: int | None) -> dict:
    return {"claim": claim, "can": capabilities(request.user, claim), "seen": seen}


def _seen(request) -> int | None:
    value = request.GET.get("seen") or request.POST.get("seen")
    return int(value) if value and value.isdigit() else None


@require_GET
@desk_view
def lease_panel(request, pk: int):
    claim = load_claim(pk)
    return render(request, "verification/_lease_status.html", lease_context(request, claim, _seen(request)))


def _after(request, pk: int):
    """HTMX gets the refreshed panel; a plain form post goes back to the page it came from."""
    if request.htmx:
        claim = load_claim(pk)
        return render(request, "verification/_lease_status.html", lease_context(request, claim, _seen(request)))
    target = request.POST.get("next", "")
    if target.startswith("/desk/") and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("desk-claim", pk=pk)


@require_POST
@desk_view
def extend(request, pk: int):
    # No version check: extending the clock cannot overwrite anyone's work.
    try:
        claim = transitions.extend(request.user, pk)
        messages.success(
            request,
            gettext("Lease extended until %(claim_lease_expires_at)s.")
            % {"claim_lease_expires_at": format_when(claim.lease_expires_at, "time")},
        )
    except transitions.Refused as exc:
        report_error(request, exc)
    return _after(request, pk)


@require_POST
@desk_view
def release(request, pk: int):
    try:
        transitions.release(request.user, pk)
        messages.success(request, gettext("Claim %(pk)s is back in the queue.") % {"pk": pk})
    except transitions.Refused as exc:
        report_error(request, exc)
        return redirect("desk-claim", pk=pk)
    return redirect("desk-queue")


@require_POST
@desk_view
def assign(request, pk: int):
    user = get_user_model().objects.filter(pk=request.POST.get("assignee") or 0, is_active=True).first()
    if user is None:
        messages.error(request, gettext("Choose a reviewer to assign the claim to."))
        return redirect("desk-claim", pk=pk)
    try:
        transitions.reassign(request.user, pk, user)
        messages.success(request, gettext("Assigned to %(get_username)s.") % {"get_username": user.get_username()})
    except transitions.Refused as exc:
        report_error(request, exc)
    return redirect("desk-claim", pk=pk)
