"""Submitting a claim: its text, tags, priority, who said or relayed it, where
it appeared and its first piece of evidence, all through verification.workflow.claims.create_claim.

The form carries a one-time token, recorded with the claim in one transaction
(an IdempotentRequest of the user): the same form sent twice shows the claim it
made instead of making a second one.

Before making a claim the form asks the claim matcher for existing claims with
nearly the same text (verification.matching.likely_duplicates) and, if there
are any, asks "is it one of these?": the user adds what they have to one of
them (workflow.claims.add_to_claim), or says it is a new claim."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from sources.models import Source
from verification.desk.base import add_validation_errors, desk_view
from verification.desk.forms import AttributionFormSet, ClaimSubmitForm
from verification.evidence.storage import EvidenceRefused
from verification.evidence.writes import add_evidence_note, add_evidence_url
from verification.matching import likely_duplicates
from verification.models import IdempotentRequest
from verification.workflow.claims import AttributionInput, ClaimInput, add_to_claim, create_claim
from verification.workflow.errors import Refused


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
        raise PermissionDenied(gettext("Your role cannot submit claims."))
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
        token, text_hash = data["submit_token"], IdempotentRequest.hash_body(data["text"].strip())
        done = IdempotentRequest.find(token, user=request.user) if token else None
        claim = None
        if done is None and not data["link_to"] and data["duplicates_checked"] != text_hash:
            if candidates := likely_duplicates(data["text"], language=data["language"].strip()):
                context = {"form": form, "formset": formset, "candidates": candidates, "checked": text_hash}
                return render(request, "verification/claim_new.html", context)
        if done is None:
            claim, done = _create_once(request, form, claim_input, token, text_hash)
        if done is not None and done.request_hash == text_hash:
            messages.info(request, gettext("This form was already sent: here is the claim it made."))
            return redirect("desk-claim", pk=done.response_body["id"])
        if done is not None:  # sent again with its text changed: say so rather than drop the change
            made = done.response_body["id"]
            form.add_error(
                None,
                gettext(
                    "This form was already sent and made claim %(made)s (%(value)s). To submit another claim, "
                    "open a new form: %(value2)s."
                )
                % {"made": made, "value": reverse("desk-claim", args=[made]), "value2": reverse("desk-claim-new")},
            )
        elif claim is not None and data["link_to"]:
            messages.success(
                request,
                gettext("Added to claim %(claim_pk)s: its sources and where it appeared.") % {"claim_pk": claim.pk},
            )
            return redirect("desk-claim", pk=claim.pk)
        elif claim is not None:
            messages.success(request, gettext("Claim %(claim_pk)s is in the queue.") % {"claim_pk": claim.pk})
            return redirect("desk-claim", pk=claim.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "verification/claim_new.html", {"form": form, "formset": formset}, status=status)


def _create_once(request, form, claim_input: ClaimInput, token: str, text_hash: str):
    """(the new claim, None), or (None, the earlier request) when a copy of this form
    sent at the same moment made it first, or (None, None) with the errors on ``form``.

    The token is reserved first, in the claim's transaction: the same form sent
    twice at once waits there until the first commits, then finds its claim."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            reservation = IdempotentRequest.reserve(token, text_hash, user=request.user) if token else None
            if data["link_to"]:
                claim = add_to_claim(
                    request.user,
                    data["link_to"],
                    claim_input.attributions,
                    claim_input.appearances,
                    note="Submitted again from the desk and added to this claim.",
                    changes={"text_seen": claim_input.text},
                )
            else:
                claim = create_claim(request.user, claim_input)
            _add_first_evidence(request.user, claim, data["evidence_url"], data["evidence_note"])
            if reservation is not None:
                reservation.answer(302, {"id": claim.pk})
    except ValidationError as exc:
        add_validation_errors(form, exc)
    except (EvidenceRefused, Refused) as exc:
        form.add_error(None, str(exc))
    except IntegrityError:
        done = IdempotentRequest.find(token, user=request.user) if token else None
        if done is None:
            raise
        return None, done
    else:
        return claim, None
    return None, None


@desk_view
def source_suggestions(request):
    """<option>s for the source inputs' datalist, as the user types (HTMX)."""
    typed = next((v for k, v in request.GET.items() if k == "q" or k.endswith(("-source", "-relays")) and v), "")
    typed = typed.strip()
    sources = []
    if len(typed) >= 2:
        sources = list(
            Source.objects.filter(merged_into__isnull=True)
            .filter(Q(name__icontains=typed) | Q(pk__in=Source.objects.named(typed).values("pk")))
            .order_by("name")[:15]
        )
    return render(request, "verification/_source_options.html", {"sources": sources})
