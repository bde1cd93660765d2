"""The public verdict page: readable without login, for claims with a published
verdict only (a reopened claim keeps showing its last published verdict, and
the text that verdict was signed off for, until a new one is signed off).

It is the ``url`` that the API's status fields and the ClaimReview point to,
and it embeds the same ClaimReview JSON-LD (verification.workflow.claimreview).
The evidence shown, its previews, notes for readers and withheld links, are
verification.evidence.published's.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from verification.desk.evidence import preview_response
from verification.evidence import previews
from verification.evidence.published import for_readers, published_evidence
from verification.models import Appearance, Attribution, Claim, ClaimEvent, Correction, Verdict
from verification.workflow.claimreview import build_claimreview, jsonld_script


def _label(verdict: str) -> str:
    return Verdict(verdict).label if verdict in Verdict.values else verdict


def corrections(claim: Claim) -> list[dict]:
    """Each earlier published verdict, with when and why it was replaced, and
    each approved text correction, in the order they happened."""
    verdicts = list(
        claim.events.filter(kind=ClaimEvent.Kind.PUBLISHED)
        .order_by("created_at", "id")
        .values("verdict", "confidence", "created_at", "note")[:50]
    )
    replaced = [
        {
            "kind": "verdict",
            "verdict": _label(row["verdict"]),
            "confidence": row["confidence"],
            "published": row["created_at"],
            "replaced": later["created_at"],
            "note": later["note"],
        }
        for row, later in zip(verdicts, verdicts[1:])
    ]
    return sorted(replaced + text_corrections(claim), key=lambda item: item["replaced"])


def text_corrections(claim: Claim) -> list[dict]:
    """Approved corrections of the text; no query for a claim never corrected."""
    if claim.corrected_at is None:
        return []
    rows = claim.corrections.filter(outcome=Correction.Outcome.APPROVED).order_by("decided_at", "id")
    return [
        {"kind": "text", "replaced": row["decided_at"], "note": row["reason"], "old_text": row["old_text"]}
        for row in rows.values("decided_at", "reason", "old_text")[:50]
    ]


def public_claim(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.exclude(published_assessment=None)
        .select_related("published_assessment")
        .prefetch_related(
            # The same rows feed the page and the ClaimReview builder.
            Prefetch("attributions", Attribution.objects.select_related("source", "relays__source")),
            Prefetch("appearances", Appearance.objects.order_by("id")),
        ),
        pk=pk,
    )
    context = {
        "claim": claim,
        "assessment": claim.published_assessment,
        "attributions": list(claim.attributions.all()),
        "appearances": list(claim.appearances.all())[:20],
        "evidence": for_readers(claim),
        "corrections": corrections(claim),
        "organisation": settings.ORGANISATION_NAME,
        "jsonld": jsonld_script(build_claimreview(claim)),
    }
    return render(request, "verification/public_claim.html", context)


def evidence_preview(request, pk: int, evidence_pk: int):
    """The preview of an item the published verdict weighed, for anyone; 404 for
    any other (an unpublished claim's, or one added since the verdict)."""
    evidence = get_object_or_404(published_evidence(pk), pk=evidence_pk)
    response = preview_response(previews.cover(evidence), evidence, request.GET.get("size", ""))
    response["Cache-Control"] = "public, max-age=300"
    return response
