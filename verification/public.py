"""The public verdict page: readable without login, for published claims only."""

from django.shortcuts import get_object_or_404, render

from verification.models import Claim


def public_claim(request, pk: int):
    claim = get_object_or_404(Claim.objects.exclude(published_assessment=None), pk=pk)
    return render(request, "verification/public_claim.html", {"claim": claim})
