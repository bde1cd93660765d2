"""Submitting a claim: its text, tags, priority, who said or relayed it, where
it appeared and its first piece of evidence, all through verification.workflow.claims.create_claim."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render

from sources.models import Source, SourceAlias
from sources.text import normalise_name
from verification.desk.base import add_validation_errors, desk_view
from verification.desk.forms import AttributionFormSet, ClaimSubmitForm
from verification.evidence.storage import EvidenceRefused
from verification.evidence.writes import add_evidence_note, add_evidence_url
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim


def _attributions(formset) -> list[AttributionInput]:
    rows = []
    for row in formset.cleaned_data:
        if row.get("source"):
            rows.append(
                AttributionInput(
                    source=row["source"], role=row["role"], quote=row.get("quote", ""), relays_source=row.get("relays")
                )
            )
    # A relayed row points at the row it relays, so those must exist first.
    rows.sort(key=lambda r: r.relays_source is not None)
    return rows


def _add_first_evidence(actor, claim, url: str, note: str) -> None:
    """Through the evidence intake, so a URL is captured by a worker and custody is logged."""
    if url:
        add_evidence_url(actor, claim.pk, url, notes=note)
    elif note:
        add_evidence_note(actor, claim.pk, note)


@desk_view
def new_claim(request):
    if not request.user.has_perm("verification.add_claim"):
        raise PermissionDenied("Your role cannot submit claims.")
    form = ClaimSubmitForm(request.POST or None)
    formset = AttributionFormSet(request.POST or None, prefix="attr")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        appearances = [{"url": data["appeared_url"]}] if data["appeared_url"] else []
        claim_input = ClaimInput(
            text=data["text"],
            language=data["language"],
            priority=data["priority"],
            tags=data["tags"],
            attributions=_attributions(formset),
            appearances=appearances,
        )
        try:
            with transaction.atomic():
                claim = create_claim(request.user, claim_input)
                _add_first_evidence(request.user, claim, data["evidence_url"], data["evidence_note"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except EvidenceRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Claim {claim.pk} is in the queue.")
            return redirect("desk-claim", pk=claim.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "verification/claim_new.html", {"form": form, "formset": formset}, status=status)


@desk_view
def source_suggestions(request):
    """<option>s for the source inputs' datalist, as the user types (HTMX)."""
    typed = next((v for k, v in request.GET.items() if k == "q" or k.endswith(("-source", "-relays")) and v), "")
    typed = typed.strip()
    sources = []
    if len(typed) >= 2:
        aliases = SourceAlias.objects.filter(normalised__startswith=normalise_name(typed)).values("source_id")[:20]
        sources = list(
            Source.objects.filter(merged_into__isnull=True)
            .filter(Q(name__icontains=typed) | Q(pk__in=aliases))
            .order_by("name")[:15]
        )
    return render(request, "verification/_source_options.html", {"sources": sources})
