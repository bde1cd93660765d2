"""Intake pages: paste an article or give its URL, watch the worker read it,
then confirm, edit or drop each proposed claim before it enters the queue.

Writes go through verification.intake.batches and verification.intake.review, as the
API's do. Progress is polled with HTMX every POLL_SECONDS while a batch is
still being read, and not at all once every batch shown is finished.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from sources.models import Source, SourceAlias, SourceKind
from sources.text import normalise_name
from verification.desk.base import desk_view, report_error
from verification.intake import batches as intake
from verification.intake import review as intake_review
from verification.intake.articles import IntakeRefused, size_label
from verification.models import AttributionRole, IntakeBatch, Proposal
from verification.workflow.transitions import Refused

POLL_SECONDS = 2  # no faster: each poll is a request and a query
RECENT = 20


def _recent_batches(user):
    pending = Count("proposals", filter=Q(proposals__decision=Proposal.Decision.PENDING))
    return list(
        IntakeBatch.objects.filter(created_by=user)
        .annotate(pending=pending, proposed=Count("proposals"))
        .order_by("-created_at", "-id")[:RECENT]
    )


def _page(request, status=200, **extra):
    batches = _recent_batches(request.user)
    context = {
        "batches": batches,
        "polling": any(not b.is_finished for b in batches),
        "poll_seconds": POLL_SECONDS,
        "text": "",
        "url": "",
        "error": "",
        **extra,
    }
    return render(request, "verification/intake.html", context, status=status)


@csrf_exempt  # checked by _submit, after the size check: see intake_page
@desk_view
def intake_page(request):
    """GET: the form and your recent batches. POST: submit an article.

    The CSRF check reads the form, and a paste over DATA_UPLOAD_MAX_MEMORY_SIZE
    makes reading it fail with a bare 400; so the size is checked first, with a
    message, and the CSRF check runs right after (csrf_protect on _submit)."""
    if request.method != "POST":
        return _page(request)
    try:
        request.POST  # noqa: B018 - parse now, so an oversized body is reported here
    except RequestDataTooBig:
        return _too_large(request)
    return _submit(request)


def _too_large(request):
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    error = gettext(
        "The article is about %(length)s, far over what intake reads (at most %(limit)s). Paste one article at a time."
    ) % {"length": size_label(length), "limit": size_label(_limit())}
    return _page(request, status=413, error=error)


def _limit() -> int:
    return settings.INTAKE_MAX_BYTES


@csrf_protect
def _submit(request):
    text, url = request.POST.get("text", ""), request.POST.get("url", "")
    if not request.user.has_perm("verification.add_claim"):
        raise PermissionDenied(gettext("Your role cannot submit articles. Ask an admin for the fact-checker role."))
    try:
        batch = intake.submit(request.user, text=text, url=url)
    except IntakeRefused as exc:
        keep = text if len(text) <= _limit() else ""
        return _page(request, status=413 if exc.code == "too_large" else 400, error=str(exc), text=keep, url=url)
    messages.success(
        request, gettext("Intake %(batch_pk)s is queued: a worker is reading the article.") % {"batch_pk": batch.pk}
    )
    return redirect("desk-intake-batch", pk=batch.pk)


@desk_view
def batch_list(request):
    """The recent-batches fragment, polled while any of them is still being read."""
    batches = _recent_batches(request.user)
    return render(
        request,
        "verification/_intake_batches.html",
        {"batches": batches, "polling": any(not b.is_finished for b in batches), "poll_seconds": POLL_SECONDS},
    )


@desk_view
def batch_page(request, pk: int):
    batch = get_object_or_404(IntakeBatch, pk=pk)
    proposals = list(batch.proposals.select_related("claim", "linked_claim", "decided_by"))
    can_create = request.user.has_perm("sources.add_source")
    return render(
        request,
        "verification/intake_batch.html",
        {
            "batch": batch,
            "poll_seconds": POLL_SECONDS,
            "can_create_sources": can_create,
            "cards": [_card(p, can_create) for p in proposals],
            "pending": sum(p.is_pending for p in proposals),
            "roles": AttributionRole.choices,
        },
    )


@desk_view
def batch_progress(request, pk: int):
    """The progress fragment; once the batch is finished, tells HTMX to reload the page with its proposals."""
    batch = get_object_or_404(IntakeBatch, pk=pk)
    if batch.is_finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "verification/_intake_progress.html", {"batch": batch, "poll_seconds": POLL_SECONDS})


def _card(proposal: Proposal, can_create: bool) -> dict:
    """What the template needs to show one proposal and its form, defaults selected."""
    rows = []
    for i, a in enumerate(proposal.attributions):
        default = str(a["source_id"]) if a.get("source_id") else ("new" if a.get("new_source") else "skip")
        options = [
            (str(c["id"]), gettext("%(name)s (%(score)s%% match)") % {"name": c["name"], "score": f"{c['score']:.0f}"})
            for c in a.get("candidates", [])
        ]
        if a.get("new_source"):
            kind = a.get("kind", "other")
            values = {
                "name": a["name"],
                "kind": str(SourceKind(kind).label).lower() if kind in SourceKind.values else kind,
            }
            if can_create:
                label = gettext("New source: %(name)s (%(kind)s)") % values
            else:
                label = gettext("New source: %(name)s (%(kind)s) – needs an admin") % values
            options.append(("new", label))
        options.append(("skip", gettext("Leave this attribution out")))
        rows.append({"index": i, "a": a, "default": default, "options": options})
    links = [(str(d["claim_id"]), d) for d in proposal.duplicates]
    return {
        "p": proposal,
        "rows": rows,
        "links": links,
        "link_default": str(proposal.linked_claim_id) if proposal.linked_claim_id else "new",
    }


def _other_source(typed: str) -> Source:
    """An existing source by its exact name or any alias."""
    key = normalise_name(typed)
    aliases = SourceAlias.objects.filter(normalised=key).values("source_id")
    found = Source.objects.filter(merged_into__isnull=True).filter(Q(name__iexact=typed.strip()) | Q(pk__in=aliases))
    source = found.order_by("pk").first()
    if source is None:
        raise ValidationError(
            {
                "attributions": [
                    gettext("No source is called '%(typed)s'. Check the spelling, or choose from the list.")
                    % {"typed": typed}
                ]
            }
        )
    return source


def _choices(proposal: Proposal, post) -> list[intake_review.AttributionChoice]:
    choices = []
    for i, a in enumerate(proposal.attributions):
        picked = post.get(f"a{i}-source", "skip")
        other = post.get(f"a{i}-other-source", "").strip()
        choice = intake_review.AttributionChoice(
            name=a["name"],
            role=post.get(f"a{i}-role", a["role"]),
            quote=a.get("quote", ""),
            kind=a.get("kind", "other"),
        )
        if other:
            choice.source_id = _other_source(other).pk
        elif picked == "new":
            choice.create = True
        elif picked.isdigit():
            choice.source_id = int(picked)
        choices.append(choice)
    return choices


@require_POST
@desk_view
def confirm(request, pk: int):
    proposal = get_object_or_404(Proposal, pk=pk)
    back = reverse("desk-intake-batch", args=[proposal.batch_id]) + f"#proposal-{pk}"
    link = request.POST.get("link", "new")
    try:
        choices = _choices(proposal, request.POST)
        claim = intake_review.confirm(
            request.user,
            pk,
            text=request.POST.get("text", proposal.text),
            choices=choices,
            link_to=int(link) if link.isdigit() else None,
        )
    except (ValidationError, Refused) as exc:
        report_error(request, exc)
        return redirect(back)
    if link.isdigit():
        messages.success(
            request, gettext("Added to claim %(claim_pk)s, with this article's sources.") % {"claim_pk": claim.pk}
        )
    else:
        messages.success(request, gettext("Claim %(claim_pk)s is in the queue.") % {"claim_pk": claim.pk})
    return redirect(back)


@require_POST
@desk_view
def drop(request, pk: int):
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        intake_review.drop(request.user, pk)
    except Refused as exc:
        report_error(request, exc)
    else:
        messages.success(request, gettext("Dropped: nothing was added to the queue."))
    return redirect(reverse("desk-intake-batch", args=[proposal.batch_id]) + f"#proposal-{pk}")
