"""A video's keyframes on the desk (verification/evidence/keyframes.py): each
frame's picture inline for the strip and the viewer, its download, and the
strip itself as a fragment the panel polls while the frames are extracted.

The pictures are ours (WebP, pixels only), made from the evidence's bytes, so
they are served with the preview's guards and to whoever may see the preview;
like a preview, showing or downloading one is not a download of the evidence's
bytes and is not written to its custody log. Attaching a frame as evidence is
a write: verification.desk.evidence.attach_frame.
"""

import base64

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from verification.desk.base import desk_view
from verification.desk.evidence import PREVIEW_TYPES
from verification.evidence import keyframes
from verification.models import Evidence, Keyframe

STRIP = "verification/_evidence_keyframes.html"


def _keyframe(pk: int, index: int) -> tuple[Evidence, Keyframe]:
    evidence = get_object_or_404(Evidence, pk=pk)
    keyframe = keyframes.keyframe_of(evidence, index)
    if keyframe is None or keyframe.content_type not in PREVIEW_TYPES:
        raise Http404(gettext("This evidence has no keyframe with that number."))
    return evidence, keyframe


def _picture(keyframe: Keyframe, small: bool, filename: str, attachment: bool) -> FileResponse:
    field = keyframe.thumbnail if small else keyframe.image
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404(gettext("The keyframe's picture is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=attachment, filename=filename, content_type=keyframe.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _name(evidence: Evidence, keyframe: Keyframe, suffix: str = "") -> str:
    extension = PREVIEW_TYPES[keyframe.content_type]
    return f"evidence-{evidence.pk}-frame-{keyframe.index}-at-{keyframe.seconds:.1f}s{suffix}.{extension}"


@require_GET
@desk_view
def picture(request, pk: int, index: int):
    """Keyframe `index` of an item's video inline: large, or the strip's with ?size=small."""
    evidence, keyframe = _keyframe(pk, index)
    small = request.GET.get("size", "") == "small"
    response = _picture(keyframe, small, _name(evidence, keyframe, "-small" if small else ""), attachment=False)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@desk_view
def download(request, pk: int, index: int):
    """Keyframe `index` as an attachment named after the video item and the second,
    with Repr-Digest carrying the SHA-256 recorded when it was made."""
    evidence, keyframe = _keyframe(pk, index)
    response = _picture(keyframe, False, _name(evidence, keyframe), attachment=True)
    response["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(keyframe.sha256)).decode() + ":"
    patch_cache_control(response, private=True)
    return response


@require_GET
@desk_view
def strip(request, pk: int):
    """The item's keyframe strip alone: the panel polls it while frames are being extracted."""
    item = get_object_or_404(Evidence.objects.select_related("stored_file"), pk=pk)
    item.keyframe_set = keyframes.for_items([item]).get(item.pk)
    panel = {"can_add": request.user.has_perm("verification.add_evidence"), "poll_seconds": settings.LIVE_POLL_SECONDS}
    response = render(request, STRIP, {"item": item, "panel": panel})
    patch_cache_control(response, private=True, no_cache=True)
    return response
