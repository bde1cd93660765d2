"""The queue page: tabs, filters, search, "take next", and editors' bulk actions."""

import csv
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from verification.desk.base import bounded_count, desk_view, page_number, report_error, window
from verification.desk.forms import BulkForm
from verification.desk.profile import format_when
from verification.desk.queue_filters import QueueFilters, apply_filters
from verification.models import Claim
from verification.status import status_fields
from verification.workflow import transitions

State = Claim.State


def tab_queryset(user, tab: str):
    """Each tab is one indexed filter with its own natural order."""
    claims = Claim.objects.all()
    if tab == "mine":
        return claims.filter(lease_owner=user, state=State.IN_REVIEW).order_by("lease_expires_at", "id")
    if tab == "overdue":
        return claims.filter(due_at__lt=timezone.now()).exclude(state=State.PUBLISHED).order_by("due_at", "id")
    if tab == "signoff":
        waiting = claims.filter(state=State.AWAITING_SIGNOFF)
        if user.has_perm("verification.signoff_claim"):
            return waiting.exclude(pending_assessment__reviewer=user).order_by("due_at", "id")
        return waiting.filter(pending_assessment__reviewer=user).order_by("due_at", "id")
    if tab == "published":
        return claims.filter(state=State.PUBLISHED).order_by("-published_at", "-id")
    if tab == "all":
        return claims.order_by("-id")  # newest first, by primary key: no sort over the whole table
    # Exactly the order of claim_queue_idx (and of take_next), so the page reads the index.
    return claims.filter(state__in=transitions.TAKEABLE, lease_owner__isnull=True).order_by("-priority", "created_at")


def _tab_label(user, tab, label):
    if tab == "signoff" and not user.has_perm("verification.signoff_claim"):
        return gettext("Awaiting sign-off (mine)")
    return label


@desk_view
def queue(request):
    form = QueueFilters(request.GET or None)
    data = _valid_filters(form)
    tab = data.get("tab") or "unassigned"
    claims = apply_filters(tab_queryset(request.user, tab), data, proposed=tab == "signoff")
    claims = claims.select_related("lease_owner", "pending_assessment__reviewer").prefetch_related("tags")
    page = window(claims, page_number(request))
    context = {
        "form": form,
        "tab": tab,
        "page": page,
        "now": timezone.now(),
        "total": bounded_count(claims),
        "tabs": [
            (
                key,
                _tab_label(request.user, key, label),
                bounded_count(tab_queryset(request.user, key)) if key != "all" else None,
            )
            for key, label in QueueFilters.TABS
        ],
        "query": _query_without_page(request),
        "held": transitions.held_claim(request.user),
        "can_bulk": request.user.has_perm("verification.assign_claim"),
    }
    if context["can_bulk"]:
        context["bulk_form"] = BulkForm()
    template = (
        "verification/_queue_results.html"
        if request.htmx and request.htmx.target == "queue-results"
        else "verification/queue.html"
    )
    return render(request, template, context)


def _valid_filters(form) -> dict:
    """The filters that parsed. An invalid one is named on the page and left out, so
    a typo in one field does not silently drop the others."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_POST
@desk_view
def take_next(request):
    try:
        claim = transitions.take_next(request.user)
    except transitions.Refused as exc:
        report_error(request, exc)
        return redirect("desk-queue")
    if claim is None:
        messages.info(request, gettext("Nothing is waiting in the queue. Well done."))
        return redirect("desk-queue")
    messages.success(
        request,
        gettext("Claim %(claim_pk)s is yours until %(claim_lease_expires_at)s.")
        % {"claim_pk": claim.pk, "claim_lease_expires_at": format_when(claim.lease_expires_at, "time")},
    )
    return redirect("desk-claim", pk=claim.pk)


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/desk/"):
        return redirect(target)
    return redirect("desk-queue")


@require_POST
@desk_view
def bulk(request):
    """Assign, release or export the selected claims. Each claim goes through
    its own transition, so one refused claim does not stop the others."""
    if not request.user.has_perm("verification.assign_claim"):
        raise PermissionDenied(gettext("Bulk actions are for editors."))
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request)
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    if action.startswith("export_"):
        return export(ids, action.removeprefix("export_"))
    done, failed = [], []
    for claim_id in ids:
        try:
            if action == "assign":
                transitions.reassign(request.user, claim_id, form.cleaned_data["assignee"])
            else:
                transitions.release(request.user, claim_id)
            done.append(claim_id)
        except transitions.Refused as exc:
            failed.append(gettext("claim %(number)s: %(reason)s") % {"number": claim_id, "reason": exc})
    if done:
        values = {"assignee": form.cleaned_data["assignee"], "count": len(done), "ids": ", ".join(map(str, done))}
        if action == "assign":
            done_message = ngettext(
                "Assigned to %(assignee)s: %(count)d claim (%(ids)s).",
                "Assigned to %(assignee)s: %(count)d claims (%(ids)s).",
                len(done),
            )
        else:
            done_message = ngettext(
                "Released: %(count)d claim (%(ids)s).", "Released: %(count)d claims (%(ids)s).", len(done)
            )
        messages.success(request, done_message % values)
    for failure in failed:
        messages.error(request, failure)
    return _back(request)


EXPORT_FIELDS = ["id", "text", "state", "verdict", "confidence", "priority", "due_at", "tags", "sources", "url"]


def _export_rows(ids):
    claims = Claim.objects.filter(pk__in=ids).order_by("id").prefetch_related("tags", "attributions__source")
    for claim in claims:
        row = status_fields(claim)
        row.update(
            text=claim.text,
            priority=claim.priority,
            due_at=claim.due_at.isoformat() if claim.due_at else None,
            tags=[t.name for t in claim.tags.all()],
            sources=[f"{a.source.name} ({a.role})" for a in claim.attributions.all()],
        )
        yield {key: row[key] for key in EXPORT_FIELDS}


def export(ids, kind: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if kind == "json":
        response = HttpResponse(
            json.dumps(list(_export_rows(ids)), indent=2, ensure_ascii=False), content_type="application/json"
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for row in _export_rows(ids):
            writer.writerow({**row, "tags": "; ".join(row["tags"]), "sources": "; ".join(row["sources"])})
    response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.{kind}"'
    return response
