"""The desk's evidence panel: add a URL, a file or a note, change stance,
credibility and the note for readers, rate media (MediaReview), re-capture, download stored bytes (each
download is written to the custody log), and see previews of them.

Every form posts to a plain view that calls verification.evidence.writes, the
same functions the API calls. With HTMX the view answers the refreshed panel
(templates/verification/_evidence_panel.html); without it, it redirects back
to the claim page with a message, so the panel works with JavaScript off.
"""

import base64
import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sources.credibility.records import INFORMATION_CREDIBILITY
from verification.desk.base import desk_view, report_error
from verification.desk.forms import WebURLField
from verification.evidence import media_review, previews
from verification.evidence import writes as evidence_writes
from verification.evidence.storage import EvidenceRefused
from verification.models import Claim, Evidence, Keyframe, Preview, Snapshot
from verification.workflow.transitions import Refused

PANEL = "verification/_evidence_panel.html"
CREDIBILITY = [
    ("", "—"),
    *[(grade, format_lazy("{} {}", grade, label)) for grade, label in INFORMATION_CREDIBILITY.items()],
]


class _Common(forms.Form):
    title = forms.CharField(max_length=500, required=False, label=gettext_lazy("Title"))
    stance = forms.ChoiceField(
        choices=Evidence.Stance.choices, initial=Evidence.Stance.CONTEXT, label=gettext_lazy("Stance")
    )
    credibility = forms.TypedChoiceField(
        choices=CREDIBILITY, coerce=int, empty_value=None, required=False, label=gettext_lazy("Credibility")
    )
    public_note = forms.CharField(
        required=False, widget=forms.Textarea, label=gettext_lazy("Public note")
    )  # its limit is the domain's


class PublicNoteForm(forms.Form):
    public_note = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Public note"))


class UrlForm(_Common):
    url = WebURLField(label=gettext_lazy("Url"))
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, initial=Evidence.Kind.ARTICLE, label=gettext_lazy("Kind"))


class FileForm(_Common):
    file = forms.FileField(label=gettext_lazy("File"))
    kind = forms.ChoiceField(
        choices=[("", gettext_lazy("From the file"))] + Evidence.Kind.choices,
        required=False,
        label=gettext_lazy("Kind"),
    )


class NoteForm(_Common):
    notes = forms.CharField(widget=forms.Textarea, label=gettext_lazy("Notes"))
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, initial=Evidence.Kind.TESTIMONY, label=gettext_lazy("Kind"))


class StanceForm(forms.Form):
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, label=gettext_lazy("Stance"))


class MediaReviewForm(forms.Form):
    category = forms.ChoiceField(choices=media_review.Category.choices, label=gettext_lazy("Category"))
    rationale = forms.CharField(widget=forms.Textarea, label=gettext_lazy("Rationale"))  # its limit is the domain's
    original_url = WebURLField(required=False, label=gettext_lazy("Original url"))
    version = forms.IntegerField(min_value=1)


class CredibilityForm(forms.Form):
    credibility = forms.TypedChoiceField(
        choices=CREDIBILITY, coerce=int, empty_value=None, required=False, label=gettext_lazy("Credibility")
    )


def _answer(request, claim_id: int, status: int = 200, errors: list[str] | None = None):
    """HTMX gets the panel again; a plain form post goes back where it came from."""
    if request.htmx:
        claim = get_object_or_404(Claim, pk=claim_id)
        return render(request, PANEL, {"claim": claim, "panel_errors": errors or []}, status=status)
    for text in errors or []:
        messages.error(request, text)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    return redirect(target) if target else redirect("desk-claim", pk=claim_id)


def _run(request, claim_id: int, form, do, success: str):
    """Validate, call the action, and turn each refusal into words on the panel."""
    if not form.is_valid():
        errors = [f"{name}: {m}" if name != "__all__" else m for name, ms in form.errors.items() for m in ms]
        return _answer(request, claim_id, 400, errors)
    try:
        do(form.cleaned_data)
    except EvidenceRefused as exc:
        return _answer(request, claim_id, exc.http_status, [str(exc)])
    except (ValidationError, Refused) as exc:
        if not request.htmx:
            report_error(request, exc)
            return _answer(request, claim_id)
        texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return _answer(request, claim_id, getattr(exc, "http_status", 400), texts)
    if not request.htmx:
        messages.success(request, success)
    return _answer(request, claim_id)


def _common(data: dict) -> dict:
    return {
        "title": data["title"],
        "stance": data["stance"],
        "credibility": data["credibility"],
        "public_note": data["public_note"],
    }


@require_GET
@desk_view
def panel(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    return render(request, PANEL, {"claim": claim})


@require_POST
@desk_view
def add_url(request, pk: int):
    get_object_or_404(Claim, pk=pk)

    def do(data):
        evidence_writes.add_evidence_url(request.user, pk, data["url"], kind=data["kind"], **_common(data))

    return _run(request, pk, UrlForm(request.POST), do, "URL added; a worker is capturing it now.")


@require_POST
@desk_view
def add_file(request, pk: int):
    get_object_or_404(Claim, pk=pk)

    def do(data):
        evidence_writes.add_evidence_file(request.user, pk, data["file"], kind=data["kind"] or None, **_common(data))

    return _run(request, pk, FileForm(request.POST, request.FILES), do, gettext("File added, hashed and stored."))


@require_POST
@desk_view
def add_note(request, pk: int):
    get_object_or_404(Claim, pk=pk)

    def do(data):
        evidence_writes.add_evidence_note(request.user, pk, data["notes"], kind=data["kind"], **_common(data))

    return _run(request, pk, NoteForm(request.POST), do, gettext("Note added as evidence."))


@require_POST
@desk_view
def change_stance(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)

    def do(data):
        evidence_writes.set_stance(request.user, pk, data["stance"])

    return _run(request, evidence.claim_id, StanceForm(request.POST), do, gettext("Stance changed."))


@require_POST
@desk_view
def change_credibility(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)

    def do(data):
        evidence_writes.set_credibility(request.user, pk, data["credibility"])

    return _run(request, evidence.claim_id, CredibilityForm(request.POST), do, gettext("Credibility changed."))


@require_POST
@desk_view
def change_public_note(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)

    def do(data):
        evidence_writes.edit_evidence(request.user, pk, {"public_note": data["public_note"]})

    return _run(request, evidence.claim_id, PublicNoteForm(request.POST), do, gettext("Note for readers saved."))


@require_POST
@desk_view
def rate_media(request, pk: int):
    """An editor's MediaReview rating of a media item (docs/media_review.md)."""
    evidence = get_object_or_404(Evidence, pk=pk)

    def do(data):
        media_review.review_media(
            request.user,
            pk,
            category=data["category"],
            rationale=data["rationale"],
            original_url=data["original_url"] or "",
            expected_version=data["version"],
        )

    return _run(request, evidence.claim_id, MediaReviewForm(request.POST), do, gettext("Media rating saved."))


@require_POST
@desk_view
def recapture(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)
    return _run(
        request,
        evidence.claim_id,
        forms.Form(request.POST),
        lambda data: evidence_writes.recapture(request.user, pk),
        gettext("Capture requested again."),
    )


@require_POST
@desk_view
def attach_frame(request, pk: int, index: int):
    """Attach keyframe `index` of a video item as an image item of the same claim."""
    evidence = get_object_or_404(Evidence, pk=pk)
    try:
        return _run(
            request,
            evidence.claim_id,
            forms.Form(request.POST),
            lambda data: evidence_writes.attach_keyframe(request.user, pk, index),
            "Frame attached as evidence.",
        )
    except Keyframe.DoesNotExist:
        raise Http404(gettext("This evidence has no keyframe with that number.")) from None


@require_GET
@desk_view
def download(request, pk: int):
    """Serve the stored bytes as an attachment and log who took them.

    ?snapshot=<id> picks one capture of a URL; without it, the uploaded file,
    else the latest snapshot. Repr-Digest (RFC 9530) carries the SHA-256
    recorded at intake, so the receiver can check the copy it got.
    """
    evidence = get_object_or_404(Evidence.objects.select_related("stored_file"), pk=pk)
    snapshot = None
    if request.GET.get("snapshot", "").isdigit():
        snapshot = get_object_or_404(
            Snapshot.objects.select_related("stored_file"), pk=request.GET["snapshot"], evidence=evidence
        )
    elif evidence.stored_file is None:
        snapshot = evidence.snapshots.select_related("stored_file").first()
    stored = snapshot.stored_file if snapshot else evidence.stored_file
    if stored is None:
        raise Http404(gettext("This evidence has no stored file or snapshot to download."))
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("The stored file is missing from storage; the integrity check will flag it.")) from None
    evidence_writes.record_download(request.user, evidence, stored, snapshot.pk if snapshot else None)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(evidence, stored),
        content_type=stored.content_type or "application/octet-stream",
    )
    response["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(stored.sha256)).decode() + ":"
    response["Content-Security-Policy"] = "sandbox"  # never render uploaded HTML as our page
    return response


def _filename(evidence: Evidence, stored) -> str:
    if stored.original_name and "." in stored.original_name:
        return stored.original_name
    extension = mimetypes.guess_extension(stored.content_type or "") or ""
    return f"evidence-{evidence.pk}-{stored.sha256[:12]}{extension}"


# Only pictures we made are ever served as previews.
PREVIEW_TYPES = {"image/webp": "webp", "image/png": "png"}


@require_GET
@desk_view
def preview(request, pk: int):
    """The preview of an item's bytes, for whoever may download them: the large
    picture, or the thumbnail with ?size=small. Not written to the custody log:
    it is our picture, not the evidence's bytes."""
    evidence = get_object_or_404(Evidence, pk=pk)
    response = preview_response(previews.cover(evidence), evidence, request.GET.get("size", ""))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def preview_response(cover: Preview | None, evidence: Evidence, size: str) -> FileResponse:
    """A ready preview as an inline image with the download's guards (nosniff,
    a sandboxing CSP); 404 when there is none. Shared with the public page."""
    if cover is None or cover.status != Preview.Status.READY or cover.content_type not in PREVIEW_TYPES:
        raise Http404(gettext("This evidence has no preview."))
    picture = cover.thumbnail if size == "small" else cover.image
    try:
        handle = picture.storage.open(picture.name, "rb")
    except FileNotFoundError:
        raise Http404(gettext("The preview is missing from storage.")) from None
    suffix = "-small" if size == "small" else ""
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=f"evidence-{evidence.pk}-preview{suffix}.{PREVIEW_TYPES[cover.content_type]}",
        content_type=cover.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
