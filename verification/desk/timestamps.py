"""An evidence item's trusted timestamp on the desk: the RFC 3161 token as a
.tsr file, for whoever may download evidence bytes. Check it offline with
``openssl ts -reply -in evidence-<id>-<hash>.tsr -text`` and ``openssl ts -verify
-digest <sha256> -in … -CAfile <the authority's root>``."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from verification.desk.base import desk_view
from verification.models import TrustedTimestamp

CONTENT_TYPE = "application/timestamp-reply"  # RFC 3161 §4.1


@require_GET
@desk_view
def download_token(request, pk: int, timestamp_pk: int):
    """The token exactly as the authority sent it and we verified it. Not a copy of
    the evidence, so not written to the custody log (the log has ``timestamped``)."""
    stamp = get_object_or_404(TrustedTimestamp, pk=timestamp_pk, evidence_id=pk)
    if stamp.status != TrustedTimestamp.Status.STAMPED:
        raise Http404(gettext("This hash has no verified timestamp token."))
    response = HttpResponse(bytes(stamp.token), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="evidence-{pk}-{stamp.sha256[:12]}.tsr"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
