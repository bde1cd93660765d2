"""A capture's web archive on the desk: the WARC file to download, and the
archived page's main text to read, for whoever may download evidence bytes.

The text page never renders the archived HTML or anything it links to: the
text is read from the WARC's response record (verification.evidence.archives)
and shown escaped, under the site's Content-Security-Policy, which loads
nothing from another origin.
"""

import base64

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from verification.desk.base import desk_view
from verification.evidence import archives
from verification.evidence import writes as evidence_writes
from verification.models import Snapshot


def _snapshot(pk: int, snapshot_pk: int) -> Snapshot:
    return get_object_or_404(
        Snapshot.objects.select_related("evidence", "stored_file", "warc"), pk=snapshot_pk, evidence_id=pk
    )


@require_GET
@desk_view
def download_warc(request, pk: int, snapshot_pk: int):
    """The capture's WARC as an attachment, written to the custody log like
    every download; Repr-Digest (RFC 9530) carries its recorded SHA-256."""
    snapshot = _snapshot(pk, snapshot_pk)
    warc = snapshot.warc
    if warc is None:
        raise Http404(gettext("This capture has no web archive; capture the page again to make one."))
    try:
        handle = warc.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("The web archive is missing from storage; the integrity check will flag it.")) from None
    evidence_writes.record_download(request.user, snapshot.evidence, warc, snapshot.pk)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"evidence-{pk}-snapshot-{snapshot.pk}.warc.gz",
        content_type=archives.CONTENT_TYPE,
    )
    response["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(warc.sha256)).decode() + ":"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_GET
@desk_view
def archived_text(request, pk: int, snapshot_pk: int):
    """The archived page as text. Not written to the custody log: like a
    preview, it is our reading of the bytes, not a copy of them."""
    snapshot = _snapshot(pk, snapshot_pk)
    return render(
        request,
        "verification/archived_text.html",
        {"evidence": snapshot.evidence, "snapshot": snapshot, "archived": archives.archived_text(snapshot)},
    )
