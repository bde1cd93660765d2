"""The status fields every client sees: the API, ClaimReview and webhooks share them."""

from django.conf import settings
from django.urls import reverse


def public_url(claim_id: int) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public-claim", args=[claim_id])


def status_fields(claim) -> dict:
    """verdict/confidence are the *published* ones: null before the first
    sign-off, kept while the claim is reopened."""
    return {
        "id": claim.id,
        "state": claim.state,
        "verdict": claim.verdict or None,
        "confidence": claim.confidence,
        "updated_at": claim.updated_at.isoformat().replace("+00:00", "Z") if claim.updated_at else None,
        "url": public_url(claim.id),
    }
