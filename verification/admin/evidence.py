"""Admin for evidence and its custody. Evidence added or edited here goes
through verification.evidence.writes like evidence added anywhere else (custody
rows, claim history and version, webhook); stored bytes, snapshots and custody
are history, read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from sources.admiralty import CREDIBILITY_MEANING, credibility_help
from sources.credibility.records import INFORMATION_CREDIBILITY
from verification.admin.base import Admin, AppendOnlyAdmin, AppendOnlyInline, StackedInline, https_urls
from verification.evidence import writes as evidence_writes
from verification.models import (
    CustodyEvent,
    Evidence,
    Keyframe,
    KeyframeSet,
    MediaHash,
    MediaMetadata,
    MediaReview,
    Preview,
    Snapshot,
    StoredFile,
    TrustedTimestamp,
)

CREDIBILITY_CHOICES = [("", "—")] + [
    (grade, format_lazy("{} – {}", grade, INFORMATION_CREDIBILITY[grade])) for grade in CREDIBILITY_MEANING
]


class EvidenceForm(forms.ModelForm):
    credibility = forms.TypedChoiceField(
        choices=CREDIBILITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=credibility_help(),
        label=gettext_lazy("Information credibility"),
    )

    class Meta:
        model = Evidence
        formfield_callback = https_urls
        fields = ["kind", "title", "url", "provided_by", "stance", "credibility", "notes", "public_note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            fixed = [name for name in ("kind", "url") if name in self.changed_data]
            if fixed:
                raise ValidationError(
                    gettext(
                        "The %(fixed)s of an item cannot change once added (its custody starts there); add a new "
                        "item instead."
                    )
                    % {"fixed": " and ".join(fixed)}
                )
            # The same checks the write makes, shown beside the fields instead of failing the save.
            evidence_writes.clean_edit(self.instance, _edits(self))
        elif not (data.get("url") or data.get("notes")):
            raise ValidationError(
                gettext("Give a URL or describe the item in the notes (files are uploaded on the claim page).")
            )
        return data


def _edits(form) -> dict:
    """The fields the user changed that an edit may change; kind and URL are refused in clean()."""
    data = form.cleaned_data  # a field that failed its own validation is not in it
    return {name: data[name] for name in evidence_writes.EDITABLE if name in form.changed_data and name in data}


def save_evidence_form(form, actor, claim_id: int) -> Evidence:
    """Through verification.evidence.writes, so custody, the claim's history and
    version, and the evidence.added webhook are written as they are for the
    desk and the API."""
    data = form.cleaned_data
    if form.instance.pk is None:
        common = {
            "kind": data["kind"],
            "title": data["title"],
            "stance": data["stance"],
            "credibility": data["credibility"],
            "provided_by": data["provided_by"],
            "public_note": data.get("public_note", ""),
        }
        if data.get("url"):
            return evidence_writes.add_evidence_url(actor, claim_id, data["url"], notes=data.get("notes", ""), **common)
        return evidence_writes.add_evidence_note(actor, claim_id, data["notes"], **common)
    evidence = form.instance
    evidence_writes.edit_evidence(actor, evidence.pk, _edits(form), note="Changed in the admin.")
    evidence.refresh_from_db()  # the form wrote its values onto the instance; show what was stored
    return evidence


class EvidenceFormSet(forms.BaseInlineFormSet):
    actor = None  # set by the claim admin before saving

    def save_new(self, form, commit=True):
        return save_evidence_form(form, self.actor, self.instance.pk)

    def save_existing(self, form, obj, commit=True):
        return save_evidence_form(form, self.actor, self.instance.pk)


class EvidenceInline(StackedInline):
    model = Evidence
    form = EvidenceForm
    formset = EvidenceFormSet
    fields = [
        "kind",
        "title",
        "url",
        "provided_by",
        "stance",
        "credibility",
        "notes",
        "public_note",
        "sha256",
        "capture_status",
        "added_by",
        "added_at",
    ]
    readonly_fields = ["sha256", "capture_status", "added_by", "added_at"]
    autocomplete_fields = ["provided_by"]
    show_change_link = True
    can_delete = False  # evidence is withdrawn by re-judging it, never deleted: custody must stay whole
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provided_by", "added_by")


class CustodyInline(AppendOnlyInline):
    model = CustodyEvent
    fields = ["created_at", "action", "actor", "sha256", "detail"]
    verbose_name_plural = gettext_lazy("chain of custody")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class SnapshotInline(AppendOnlyInline):
    model = Snapshot
    fields = ["captured_at", "requested_url", "final_url", "status_code", "backend", "stored_file", "warc"]


@admin.register(Evidence)
class EvidenceAdmin(Admin):
    form = EvidenceForm
    list_display = ["title", "kind", "claim", "stance", "credibility", "provided_by", "capture_status", "added_at"]
    list_select_related = ["claim", "provided_by"]
    list_filter = ["kind", "stance", "credibility", "capture_status"]
    search_fields = ["title", "url", "notes", "public_note", "sha256", "claim__text"]
    autocomplete_fields = ["provided_by"]
    readonly_fields = [
        "claim",
        "stored_file",
        "sha256",
        "capture_status",
        "capture_error",
        "capture_attempts",
        "added_by",
        "added_at",
    ]
    fields = [
        "claim",
        "kind",
        "title",
        "url",
        "provided_by",
        "stance",
        "credibility",
        "notes",
        "public_note",
        "stored_file",
        "sha256",
        "capture_status",
        "capture_error",
        "capture_attempts",
        "added_by",
        "added_at",
    ]
    inlines = [SnapshotInline, CustodyInline]

    def has_add_permission(self, request):
        return False  # evidence belongs to a claim: add it on the claim's page

    def save_model(self, request, obj, form, change):
        save_evidence_form(form, request.user, obj.claim_id)


@admin.register(StoredFile)
class StoredFileAdmin(AppendOnlyAdmin):
    list_display = ["sha256", "size", "content_type", "original_name", "integrity_ok", "last_verified_at", "created_at"]
    list_filter = ["integrity_ok", "content_type"]
    search_fields = ["sha256", "original_name"]


@admin.register(Snapshot)
class SnapshotAdmin(AppendOnlyAdmin):
    list_display = ["captured_at", "evidence", "final_url", "status_code", "backend"]
    list_select_related = ["evidence"]
    search_fields = ["requested_url", "final_url"]


@admin.register(CustodyEvent)
class CustodyEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "evidence", "action", "actor", "sha256"]
    list_select_related = ["evidence", "actor"]
    list_filter = ["action"]
    search_fields = ["evidence__title", "sha256"]


@admin.register(Preview)
class PreviewAdmin(AppendOnlyAdmin):
    """Derived pictures (verification/evidence/previews.py), read-only here: `manage.py make_previews
    --retry-unavailable` makes them again after a limit is raised."""

    list_display = ["stored_file", "kind", "status", "content_type", "width", "height", "reason", "finished_at"]
    list_select_related = ["stored_file"]
    list_filter = ["status", "kind", "content_type"]
    search_fields = ["stored_file__sha256", "reason"]


@admin.register(MediaMetadata)
class MediaMetadataAdmin(AppendOnlyAdmin):
    """What stored files say about themselves (verification/evidence/metadata.py): derived, read-only."""

    list_display = ["stored_file", "status", "created", "reason", "read_at"]
    list_select_related = ["stored_file"]
    list_filter = ["status"]
    search_fields = ["stored_file__sha256", "reason"]


@admin.register(MediaReview)
class MediaReviewAdmin(AppendOnlyAdmin):
    """Ratings editors give on the claim page (verification/evidence/media_review.py), never here."""

    list_display = ["created_at", "evidence", "category", "reviewed_by"]
    list_select_related = ["evidence", "reviewed_by"]
    list_filter = ["category"]
    search_fields = ["evidence__title", "rationale"]

    def has_view_permission(self, request, obj=None):
        # Whoever may see evidence may see its ratings (the roles need no new view permission).
        return request.user.has_perm("verification.view_evidence")


@admin.register(MediaHash)
class MediaHashAdmin(AppendOnlyAdmin):
    """PDQ perceptual hashes (verification/evidence/perceptual.py), made by the preview worker: read-only."""

    list_display = ["stored_file", "ordinal", "frame_seconds", "status", "quality", "pdq", "reason", "created_at"]
    list_select_related = ["stored_file"]
    list_filter = ["status"]
    search_fields = ["stored_file__sha256", "pdq"]


@admin.register(KeyframeSet)
class KeyframeSetAdmin(AppendOnlyAdmin):
    """Video keyframe extractions (verification/evidence/keyframes.py), made by a worker: read-only."""

    list_display = ["stored_file", "status", "found", "declared_seconds", "read_seconds", "reason", "finished_at"]
    list_select_related = ["stored_file"]
    list_filter = ["status"]
    search_fields = ["stored_file__sha256", "reason"]


@admin.register(Keyframe)
class KeyframeAdmin(AppendOnlyAdmin):
    """One video frame we made (verification/evidence/keyframes.py): read-only."""

    list_display = ["keyframe_set", "index", "seconds", "why", "width", "height", "sha256"]
    list_select_related = ["keyframe_set"]
    list_filter = ["why"]
    search_fields = ["sha256", "keyframe_set__stored_file__sha256"]


@admin.register(TrustedTimestamp)
class TrustedTimestampAdmin(AppendOnlyAdmin):
    """RFC 3161 tokens of evidence hashes (verification/evidence/timestamps.py), made by a worker: read-only."""

    list_display = ["evidence", "status", "tsa_name", "gen_time", "serial_number", "attempts", "finished_at"]
    list_select_related = ["evidence"]
    list_filter = ["status"]
    search_fields = ["sha256", "tsa_name", "serial_number", "reason"]
    exclude = ["token"]  # DER bytes; the claim page offers them as a .tsr download
