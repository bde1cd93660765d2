"""The app's URLs plus the bare baseline: a plain Django JsonResponse view that
does the same work as the status endpoint (one indexed lookup of the key's
digest, one read of the row) and nothing else."""

import hashlib

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from verification.models import ApiKey, Claim


def bare_status(request, pk: int):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    digest = hashlib.sha256(token.encode()).hexdigest()
    if not ApiKey.objects.filter(digest=digest, revoked_at__isnull=True).exists():
        return JsonResponse({"detail": "unauthorised"}, status=401)
    row = Claim.objects.filter(pk=pk).values("id", "state", "verdict", "confidence", "updated_at", "version").first()
    if row is None:
        return JsonResponse({"detail": "not found"}, status=404)
    etag = f'"{row["id"]}-{row["version"]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse({k: row[k] for k in ("id", "state", "verdict", "confidence", "updated_at")})
    response["ETag"] = etag
    return response


urlpatterns = [
    path("bare/claims/<int:pk>/status", bare_status),
    path("", include("config.urls")),
]
